/** Word lists for generated worlds: people, companies, teams and services. */

export const FIRST_NAMES = [
  'ada', 'alan', 'alice', 'amara', 'ana', 'arjun', 'ben', 'bianca', 'carlos', 'chen', 'chloe', 'dana', 'david', 'deepa',
  'diego', 'elena', 'emma', 'erik', 'fatima', 'felix', 'grace', 'hana', 'hugo', 'ines', 'ivan', 'jack', 'jamal', 'julia',
  'kai', 'karim', 'kenji', 'lara', 'leo', 'lina', 'lucas', 'maya', 'mei', 'mia', 'nadia', 'noah', 'nora', 'omar', 'oscar',
  'priya', 'quinn', 'rafael', 'rosa', 'sam', 'sara', 'sofia', 'tariq', 'theo', 'uma', 'victor', 'wei', 'yara', 'yusuf', 'zoe',
];

export const LAST_NAMES = [
  'abbott', 'adeyemi', 'bauer', 'becker', 'costa', 'dubois', 'eriksson', 'fischer', 'garcia', 'gupta', 'hansen', 'ito',
  'jensen', 'kim', 'kowalski', 'larsen', 'lopez', 'martin', 'meyer', 'moreau', 'nakamura', 'nguyen', 'novak', 'okafor',
  'olsen', 'patel', 'petrov', 'quinn', 'rossi', 'santos', 'schmidt', 'silva', 'singh', 'suzuki', 'tanaka', 'torres',
  'varga', 'wagner', 'weber', 'wong', 'yamada', 'zhang',
];

export const COMPANIES = ['globex', 'initech', 'umbrella', 'hooli', 'vandelay', 'soylent', 'tyrell', 'wonka', 'cyberdyne', 'stark'];

export const CONTRACTOR_DOMAINS = ['devshop.example', 'contractors.example', 'freelance-dev.example', 'agency42.example'];

/** Team departments and the short prefix their apps carry. */
export const DEPARTMENTS: [string, string][] = [
  ['platform', 'plat'], ['payments', 'pay'], ['data', 'data'], ['web', 'web'], ['mobile', 'mob'], ['growth', 'grow'],
  ['identity', 'id'], ['search', 'srch'], ['checkout', 'chk'], ['logistics', 'log'], ['analytics', 'anl'], ['support', 'sup'],
  ['billing', 'bill'], ['marketing', 'mkt'], ['security', 'sec'], ['partners', 'prt'], ['catalog', 'cat'], ['notify', 'ntf'],
  ['ml', 'ml'], ['infra', 'inf'], ['reporting', 'rep'], ['content', 'cms'], ['crm', 'crm'], ['inventory', 'inv'],
  ['pricing', 'prc'], ['fraud', 'frd'], ['ledger', 'ldg'], ['ads', 'ads'], ['edge', 'edge'], ['sales', 'sls'],
  ['hr', 'hr'], ['legal', 'lgl'], ['finance', 'fin'], ['ops', 'ops'], ['qa', 'qa'], ['design', 'dsn'], ['docs', 'doc'],
  ['events', 'evt'], ['media', 'med'], ['social', 'soc'],
];

export const COMPONENTS = [
  'api', 'web', 'worker', 'auth', 'gateway', 'admin', 'ingest', 'etl', 'reports', 'search', 'notifier', 'scheduler',
  'webhooks', 'ledger', 'billing', 'export', 'import', 'sync', 'cache', 'proxy', 'graphql', 'portal', 'events', 'media',
];

export const ACTIONS_BY_TYPE: Record<string, string[]> = {
  app: ['create', 'update', 'destroy', 'transfer'],
  collaborator: ['create', 'destroy', 'update'],
  addon: ['create', 'destroy', 'update'],
  config_var: ['update'],
  domain: ['create', 'destroy'],
  formation: ['update'],
  release: ['create'],
  team_member: ['create', 'destroy', 'update'],
  authorization: ['create', 'destroy'],
  account: ['login'],
};
