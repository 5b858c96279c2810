import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoScenarioPath, readScenarioFile } from '../../src/emulator/index.js';
import { createAccessToken } from '../../src/service/access.js';
import { connect } from '../../src/service/connect.js';
import { runReadOnlySql } from '../../src/service/datasets.js';
import { syncConnection } from '../../src/service/sync.js';
import { addUser, createSetupLink, signIn } from '../../src/service/users.js';
import { buildServer } from '../../src/web/server.js';
import { bin, herowatch as runCli } from '../support/cli.js';
import { startTestEmulator } from '../support/emulator.js';
import { DIALECTS, openTestHerowatch, type TestHerowatch } from '../support/herowatch.js';
import { edgeScenario, T } from '../support/scenarios.js';

/**
 * The SQL console's boundary, tried as an attacker would, through every
 * door and on both databases: a client bound to the connection "acme" sees
 * acme's rows of the dataset views and nothing else (not one row of the
 * other connection, no internal table, no hash, no secret), and a client
 * that sees every connection still sees the dataset views only.
 *
 * The other connection is synced from another world (apps named edge-*),
 * under a name found nowhere else, so that any of its data in an answer
 * shows. The secrets are read from the database as herowatch's own user.
 */

const ALICE = 'HRKU-65d01b54-f55f-7dc9-d0f6-8b53639f152c';
const HIDDEN = 'hiddenconn';
const USER = { email: 'ana@example.com', password: 'a long and unguessable passphrase' };

/** Hostile queries; `schema` is herowatch's own schema on PostgreSQL, `queue` the job queue's. */
function corpus(dialect: 'sqlite' | 'postgres', names: { schema: string; queue: string }): string[] {
  const common = [
    'SELECT connection, count(*) AS n FROM apps GROUP BY 1',
    'SELECT * FROM hw_credentials',
    'SELECT * FROM "hw_credentials"',
    'SELECT * FROM hw_users',
    'SELECT * FROM hw_meta',
    'SELECT * FROM hw_access_tokens',
    'SELECT * FROM hw_sessions',
    'SELECT * FROM hw_records',
    'SELECT * FROM hw_sql_readers',
    'SELECT * FROM kysely_migration',
    'SELECT connection FROM findings UNION SELECT connection FROM audit_events UNION SELECT connection FROM sync_runs UNION SELECT connection FROM coverage UNION SELECT connection FROM vulnerabilities',
    'WITH everything AS (SELECT * FROM apps) SELECT connection, name FROM everything',
    `SELECT * FROM apps WHERE connection = '${HIDDEN}'`,
    'SELECT name FROM apps WHERE CAST(name AS integer) = 1',
    'SELECT 1; SELECT * FROM hw_users',
    'DELETE FROM apps',
    "ATTACH DATABASE '/tmp/x.db' AS x",
  ];
  if (dialect === 'sqlite') {
    return [
      ...common,
      'SELECT connection, count(*) AS n FROM [main].apps GROUP BY 1',
      'SELECT connection, count(*) AS n FROM `main`.apps GROUP BY 1',
      "SELECT connection, count(*) AS n FROM 'main'.apps GROUP BY 1",
      'SELECT connection, count(*) AS n FROM [MAIN].[apps] GROUP BY 1',
      'SELECT connection, count(*) AS n FROM "main" /* hidden */ . "apps" GROUP BY 1',
      'WITH x AS (SELECT * FROM [main].apps) SELECT connection, count(*) AS n FROM x GROUP BY 1',
      'SELECT connection FROM temp.apps',
      'SELECT * FROM main.hw_credentials',
      'SELECT * FROM [hw_users]',
      "SELECT * FROM 'hw_meta'",
      'SELECT * FROM `hw_access_tokens`',
      'SELECT sql FROM sqlite_master',
      'SELECT sql FROM sqlite_schema',
      'SELECT * FROM sqlite_temp_master',
      'SELECT * FROM pragma_database_list',
      'SELECT * FROM pragma_table_list',
      "SELECT * FROM pragma_table_info('hw_credentials')",
      "SELECT load_extension('/tmp/nothing.so')",
      "SELECT readfile('/etc/passwd')",
      "SELECT fts3_tokenizer('simple')",
      "SELECT * FROM sqlite_dbpage('main')",
      'PRAGMA database_list',
    ];
  }
  const s = names.schema;
  return [
    ...common,
    `SELECT connection, count(*) AS n FROM ${s}.apps GROUP BY 1`,
    `SELECT connection, count(*) AS n FROM "${s}".apps GROUP BY 1`,
    `SELECT connection, count(*) AS n FROM U&"${[...s].map((c) => `\\${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}".apps GROUP BY 1`,
    `SELECT * FROM ${s}.hw_users`,
    `SELECT * FROM ${s}.hw_credentials`,
    `SELECT password_hash FROM ${s} . hw_users`,
    "SELECT query_to_xml(U&'select set\\005Fconfig(''role'',''none'',true)', true, false, '') AS x, (SELECT count(*) FROM hw_users) AS n",
    `SELECT query_to_xml(U&'select set\\005Fconfig(''role'',''none'',true)', true, false, ''), query_to_xml('select * from ${s}.hw_users', true, false, '')`,
    `SELECT query_to_xml('select connection, name from ${s}.apps', true, false, '')`,
    `SELECT query_to_xml(E'select * from ${s}.hw_\\x6deta', true, false, '')`,
    `SELECT table_to_xml('${s}.hw_users', true, false, '')`,
    `SELECT schema_to_xml('${s}', true, false, '')`,
    "SELECT database_to_xml(true, false, '')",
    `SELECT cursor_to_xml('c', 10, true, false, '')`,
    "SELECT set_config('role', 'none', false), (SELECT count(*) FROM hw_users)",
    "SELECT set_config('search_path', '" + s + "', false), (SELECT count(*) FROM apps)",
    'RESET ROLE',
    'SET ROLE NONE',
    'SELECT rolpassword FROM pg_authid',
    'SELECT * FROM pg_catalog.pg_shadow',
    "SELECT query FROM pg_stat_activity WHERE query NOT LIKE '%pg_stat_activity%'",
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT lo_import('/etc/passwd')",
    `SELECT * FROM ${names.queue}._private_jobs`,
    `SELECT * FROM "${names.queue}".jobs`,
    "SELECT current_setting('herowatch.scope'), * FROM apps",
    `SELECT name FROM apps WHERE connection = '${HIDDEN}' OR pg_sleep(0) IS NULL`,
    "COPY (SELECT 1) TO PROGRAM 'id'",
    'DO $$ BEGIN PERFORM 1; END $$',
  ];
}

interface Answer {
  /** Rows or an error: either way, what the client gets to read. */
  text: string;
  rows: Record<string, unknown>[];
}

/** What must never reach a client: the secrets of herowatch's own tables, and (when scoped) the other connection. */
async function secretsOf(hw: TestHerowatch): Promise<string[]> {
  const read = async (query: string): Promise<string[]> => (await sql.raw<{ v: string }>(query).execute(hw.store.db)).rows.map((r) => String(r.v));
  const secrets = [
    ...(await read('SELECT password_hash AS v FROM hw_users')),
    ...(await read('SELECT secret_hash AS v FROM hw_sessions')),
    ...(await read('SELECT secret_hash AS v FROM hw_access_tokens')),
    ...(await read('SELECT ciphertext AS v FROM hw_credentials')),
    ...(await read('SELECT secret_hash AS v FROM hw_setup_links')),
    ...(await read('SELECT value AS v FROM hw_meta')).filter((v) => v.length >= 16),
  ];
  expect(secrets.length).toBeGreaterThanOrEqual(6);
  return secrets;
}

function check(query: string, answer: Answer, secrets: string[], scoped: boolean): void {
  for (const secret of secrets) expect(answer.text, `${query} gave away a secret`).not.toContain(secret);
  expect(answer.text, `${query} gave away a password hash`).not.toMatch(/\$argon2id\$/);
  if (!scoped) return;
  expect(answer.text, `${query} reached the other connection`).not.toContain(HIDDEN);
  expect(answer.text, `${query} reached the other connection's apps`).not.toMatch(/edge-(api|worker|hidden)/);
  for (const row of answer.rows) if ('connection' in row) expect(row.connection, query).toBe('acme');
}

describe.each(DIALECTS)('the SQL console against an attacker, on %s', (dialect) => {
  let hw: TestHerowatch;
  let queries: string[];
  let secrets: string[];
  let token: string;
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const demo = await startTestEmulator({ scenario: await readScenarioFile(demoScenarioPath) });
    const edge = await startTestEmulator({ scenario: edgeScenario() });
    hw = await openTestHerowatch(dialect, demo.url, 'file');
    await connect(hw, { name: 'acme', token: ALICE, apiUrl: demo.url });
    expect((await syncConnection(hw, { connection: 'acme', apiUrl: demo.url, vulnerabilities: false })).status).toBe('complete');
    expect((await syncConnection(hw, { connection: HIDDEN, token: T.admin, apiUrl: edge.url, test: false, vulnerabilities: false })).status).toBe('complete');
    // A setup link first (it is made while there is no user), then the user and a session.
    expect(await createSetupLink(hw)).not.toBeNull();
    await addUser(hw, { ...USER, role: 'viewer' });
    await signIn(hw, USER);
    token = (await createAccessToken(hw, { name: 'agent', scopes: ['read'], connections: ['acme'], expiresInDays: 30 })).token;
    const schema = dialect === 'postgres' ? (await sql<{ s: string }>`SELECT current_schema() AS s`.execute(hw.store.db)).rows[0]!.s : 'main';
    queries = corpus(dialect, { schema, queue: hw.env.HEROWATCH_QUEUE_SCHEMA ?? 'herowatch_queue' });
    secrets = await secretsOf(hw);
    const { app } = await buildServer(hw);
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    close = () => app.close();
  }, 120_000);
  afterAll(async () => close?.());

  it('the service: a scoped query sees its connection only', async () => {
    // The reported reproductions first: they returned every connection's rows and the admins' hashes.
    let answered = 0;
    for (const query of queries) {
      const answer = await runReadOnlySql(hw, query, {}, { connections: ['acme'], apps: null }).then(
        (r) => ({ text: JSON.stringify(r.rows), rows: r.rows }),
        (e: Error) => ({ text: e.message, rows: [] }),
      );
      if (answer.rows.length > 0) answered++;
      check(query, answer, secrets, true);
    }
    // Queries that stay inside the scope answer, with acme's rows.
    expect(answered).toBeGreaterThan(3);
    const own = await runReadOnlySql(hw, 'SELECT connection, count(*) AS n FROM apps GROUP BY 1', {}, { connections: ['acme'], apps: null });
    expect(own.rows).toEqual([{ connection: 'acme', n: expect.any(Number) }]);
    // Unscoped, both connections are there: the corpus's silence above is the scope, not an empty store.
    const all = await runReadOnlySql(hw, 'SELECT DISTINCT connection FROM apps ORDER BY 1');
    expect(all.rows.map((r) => r.connection)).toEqual(['acme', HIDDEN]);
  }, 120_000);

  it('MCP over stdio, bound with --connection', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, 'mcp', '--connection', 'acme'],
      env: { PATH: process.env.PATH!, ...hw.env },
      stderr: 'ignore',
    });
    const client = new Client({ name: 'attacker', version: '1' });
    await client.connect(transport);
    try {
      for (const query of queries) check(query, await mcpAnswer(client, query), secrets, true);
    } finally {
      await client.close();
    }
  }, 120_000);

  it('MCP over HTTP and the REST API, with an access token bound to the connection', async () => {
    const client = new Client({ name: 'attacker', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    try {
      for (const query of queries) {
        check(query, await mcpAnswer(client, query), secrets, true);
        const response = await fetch(`${base}/api/v1/sql`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ query }),
        });
        const body = (await response.json()) as { rows?: Record<string, unknown>[]; error?: { message: string } };
        expect(response.status === 200 || response.status === 400, `${query}: ${response.status}`).toBe(true);
        check(query, { text: JSON.stringify(body), rows: body.rows ?? [] }, secrets, true);
      }
    } finally {
      await client.close();
    }
  }, 120_000);

  it("the dashboard's console, as a viewer: every connection, and still nothing but the datasets", async () => {
    const { secret } = await signIn(hw, USER);
    const page = await fetch(`${base}/datasets`, { headers: { cookie: `herowatch_session=${secret}` } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
    const csrfCookie = /_csrf=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1];
    expect(csrf && csrfCookie).toBeTruthy();
    for (const query of queries) {
      const response = await fetch(`${base}/datasets/sql`, {
        method: 'POST',
        headers: { cookie: `herowatch_session=${secret}; _csrf=${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf!, sql: query }).toString(),
      });
      expect([200, 400], query).toContain(response.status);
      check(query, { text: await response.text(), rows: [] }, secrets, false);
    }
  }, 120_000);

  it('the CLI, which sees every connection, reads the datasets only', async () => {
    for (const query of queries.filter((q) => /hw_users|hw_credentials|_to_xml|sqlite_master/.test(q)).slice(0, 6)) {
      const run = await runCli(hw.env, ['sql', query, '--json']);
      check(query, { text: run.stdout + run.stderr, rows: [] }, secrets, false);
    }
  }, 120_000);
});

async function mcpAnswer(client: Client, query: string): Promise<Answer> {
  const answer = (await client.callTool({ name: 'run_sql', arguments: { query, limit: 100 } })) as {
    structuredContent?: { rows?: Record<string, unknown>[] };
    content: { text: string }[];
  };
  return { text: JSON.stringify(answer), rows: answer.structuredContent?.rows ?? [] };
}
