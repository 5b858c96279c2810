/**
 * Platform-wide reference data that every Heroku account sees: regions,
 * stacks, dyno sizes, add-on services and plans, permission names. Values
 * follow Heroku's public documentation; prices are list prices in cents.
 */

export interface RegionInfo {
  name: string;
  description: string;
  country: string;
  locale: string;
  private_capable: boolean;
  provider: { name: string; region: string };
}

export const REGIONS: RegionInfo[] = [
  {
    name: 'us',
    description: 'United States',
    country: 'United States',
    locale: 'Virginia',
    private_capable: false,
    provider: { name: 'amazon-web-services', region: 'us-east-1' },
  },
  {
    name: 'eu',
    description: 'Europe',
    country: 'Ireland',
    locale: 'Dublin',
    private_capable: false,
    provider: { name: 'amazon-web-services', region: 'eu-west-1' },
  },
  {
    name: 'virginia',
    description: 'Virginia, United States',
    country: 'United States',
    locale: 'Virginia',
    private_capable: true,
    provider: { name: 'amazon-web-services', region: 'us-east-1' },
  },
  {
    name: 'oregon',
    description: 'Oregon, United States',
    country: 'United States',
    locale: 'Oregon',
    private_capable: true,
    provider: { name: 'amazon-web-services', region: 'us-west-2' },
  },
  {
    name: 'frankfurt',
    description: 'Frankfurt, Germany',
    country: 'Germany',
    locale: 'Frankfurt',
    private_capable: true,
    provider: { name: 'amazon-web-services', region: 'eu-central-1' },
  },
  {
    name: 'dublin',
    description: 'Dublin, Ireland',
    country: 'Ireland',
    locale: 'Dublin',
    private_capable: true,
    provider: { name: 'amazon-web-services', region: 'eu-west-1' },
  },
  {
    name: 'london',
    description: 'London, United Kingdom',
    country: 'United Kingdom',
    locale: 'London',
    private_capable: true,
    provider: { name: 'amazon-web-services', region: 'eu-west-2' },
  },
  {
    name: 'tokyo',
    description: 'Tokyo, Japan',
    country: 'Japan',
    locale: 'Tokyo',
    private_capable: true,
    provider: { name: 'amazon-web-services', region: 'ap-northeast-1' },
  },
  {
    name: 'sydney',
    description: 'Sydney, Australia',
    country: 'Australia',
    locale: 'Sydney',
    private_capable: true,
    provider: { name: 'amazon-web-services', region: 'ap-southeast-2' },
  },
  {
    name: 'montreal',
    description: 'Montreal, Canada',
    country: 'Canada',
    locale: 'Montreal',
    private_capable: true,
    provider: { name: 'amazon-web-services', region: 'ca-central-1' },
  },
  {
    name: 'mumbai',
    description: 'Mumbai, India',
    country: 'India',
    locale: 'Mumbai',
    private_capable: true,
    provider: { name: 'amazon-web-services', region: 'ap-south-1' },
  },
  {
    name: 'singapore',
    description: 'Singapore',
    country: 'Singapore',
    locale: 'Singapore',
    private_capable: true,
    provider: { name: 'amazon-web-services', region: 'ap-southeast-1' },
  },
];

export interface StackInfo {
  name: string;
  state: 'retired' | 'deprecated' | 'supported';
  default: boolean;
  /** Ubuntu release the stack is based on; releases served for its lifetime. */
  created_at: string;
}

export const STACKS: StackInfo[] = [
  { name: 'cedar-14', state: 'retired', default: false, created_at: '2014-08-01T00:00:00Z' },
  { name: 'heroku-16', state: 'retired', default: false, created_at: '2017-05-01T00:00:00Z' },
  { name: 'heroku-18', state: 'retired', default: false, created_at: '2018-06-20T00:00:00Z' },
  { name: 'heroku-20', state: 'deprecated', default: false, created_at: '2020-11-10T00:00:00Z' },
  { name: 'heroku-22', state: 'supported', default: false, created_at: '2022-06-01T00:00:00Z' },
  { name: 'heroku-24', state: 'supported', default: true, created_at: '2024-06-01T00:00:00Z' },
];

export interface PlanInfo {
  name: string;
  cents: number;
  description?: string;
}

export interface AddonServiceInfo {
  name: string;
  human_name: string;
  /** Name of the attachment a new add-on gets on its billing app. */
  attachment_name: string;
  /** Config var names the service sets, for the default attachment. */
  config_vars: string[];
  /** Holds data (database, cache, broker): herowatch watches where it is attached. */
  data_store: boolean;
  state: 'alpha' | 'beta' | 'ga' | 'shutdown';
  plans: PlanInfo[];
  created_at: string;
}

const plans = (entries: [string, number][]): PlanInfo[] => entries.map(([name, cents]) => ({ name, cents }));

export const ADDON_SERVICES: AddonServiceInfo[] = [
  {
    name: 'heroku-postgresql',
    human_name: 'Heroku Postgres',
    attachment_name: 'DATABASE',
    config_vars: ['DATABASE_URL'],
    data_store: true,
    state: 'ga',
    created_at: '2011-05-17T00:00:00Z',
    plans: plans([
      ['essential-0', 500],
      ['essential-1', 900],
      ['essential-2', 2000],
      ['standard-0', 5000],
      ['standard-2', 20000],
      ['premium-0', 20000],
      ['premium-2', 35000],
      ['private-0', 30000],
      ['shield-0', 35000],
    ]),
  },
  {
    name: 'heroku-redis',
    human_name: 'Heroku Key-Value Store',
    attachment_name: 'REDIS',
    config_vars: ['REDIS_URL', 'REDIS_TLS_URL'],
    data_store: true,
    state: 'ga',
    created_at: '2015-06-01T00:00:00Z',
    plans: plans([
      ['mini', 300],
      ['premium-0', 1500],
      ['premium-1', 3000],
      ['premium-3', 12000],
      ['private-3', 17500],
    ]),
  },
  {
    name: 'heroku-kafka',
    human_name: 'Apache Kafka on Heroku',
    attachment_name: 'KAFKA',
    config_vars: ['KAFKA_URL', 'KAFKA_CLIENT_CERT', 'KAFKA_CLIENT_CERT_KEY', 'KAFKA_TRUSTED_CERT'],
    data_store: true,
    state: 'ga',
    created_at: '2016-04-26T00:00:00Z',
    plans: plans([
      ['basic-0', 10000],
      ['standard-0', 100000],
      ['extended-0', 180000],
      ['private-standard-0', 150000],
    ]),
  },
  {
    name: 'cloudamqp',
    human_name: 'CloudAMQP',
    attachment_name: 'CLOUDAMQP',
    config_vars: ['CLOUDAMQP_URL', 'CLOUDAMQP_APIKEY'],
    data_store: true,
    state: 'ga',
    created_at: '2011-10-01T00:00:00Z',
    plans: plans([
      ['lemur', 0],
      ['tiger', 1900],
      ['bunny-1', 9900],
    ]),
  },
  {
    name: 'rediscloud',
    human_name: 'Redis Cloud',
    attachment_name: 'REDISCLOUD',
    config_vars: ['REDISCLOUD_URL'],
    data_store: true,
    state: 'ga',
    created_at: '2013-01-01T00:00:00Z',
    plans: plans([
      ['30', 0],
      ['100', 1000],
      ['500', 3300],
    ]),
  },
  {
    name: 'bonsai',
    human_name: 'Bonsai Elasticsearch',
    attachment_name: 'BONSAI',
    config_vars: ['BONSAI_URL'],
    data_store: true,
    state: 'ga',
    created_at: '2012-02-01T00:00:00Z',
    plans: plans([
      ['sandbox', 0],
      ['standard', 5000],
      ['business', 25000],
    ]),
  },
  {
    name: 'bucketeer',
    human_name: 'Bucketeer',
    attachment_name: 'BUCKETEER',
    config_vars: ['BUCKETEER_AWS_ACCESS_KEY_ID', 'BUCKETEER_AWS_SECRET_ACCESS_KEY', 'BUCKETEER_BUCKET_NAME', 'BUCKETEER_AWS_REGION'],
    data_store: true,
    state: 'ga',
    created_at: '2015-03-01T00:00:00Z',
    plans: plans([
      ['hobbyist', 500],
      ['micro', 1500],
      ['medium', 5000],
    ]),
  },
  {
    name: 'papertrail',
    human_name: 'Papertrail',
    attachment_name: 'PAPERTRAIL',
    config_vars: ['PAPERTRAIL_API_TOKEN'],
    data_store: false,
    state: 'ga',
    created_at: '2011-01-01T00:00:00Z',
    plans: plans([
      ['choklad', 0],
      ['fixa', 700],
      ['volmar', 1800],
    ]),
  },
  {
    name: 'sendgrid',
    human_name: 'Twilio SendGrid',
    attachment_name: 'SENDGRID',
    config_vars: ['SENDGRID_API_KEY', 'SENDGRID_PASSWORD', 'SENDGRID_USERNAME'],
    data_store: false,
    state: 'ga',
    created_at: '2010-06-01T00:00:00Z',
    plans: plans([
      ['starter', 0],
      ['bronze', 1995],
      ['silver', 7995],
    ]),
  },
  {
    name: 'scheduler',
    human_name: 'Heroku Scheduler',
    attachment_name: 'SCHEDULER',
    config_vars: [],
    data_store: false,
    state: 'ga',
    created_at: '2011-09-01T00:00:00Z',
    plans: plans([['standard', 0]]),
  },
  {
    name: 'memcachier',
    human_name: 'MemCachier',
    attachment_name: 'MEMCACHIER',
    config_vars: ['MEMCACHIER_SERVERS', 'MEMCACHIER_USERNAME', 'MEMCACHIER_PASSWORD'],
    data_store: false,
    state: 'ga',
    created_at: '2012-03-01T00:00:00Z',
    plans: plans([
      ['dev', 0],
      ['100', 1400],
      ['500', 4000],
    ]),
  },
  {
    name: 'newrelic',
    human_name: 'New Relic APM',
    attachment_name: 'NEW_RELIC',
    config_vars: ['NEW_RELIC_LICENSE_KEY', 'NEW_RELIC_LOG'],
    data_store: false,
    state: 'ga',
    created_at: '2010-01-01T00:00:00Z',
    plans: plans([['wayne', 0]]),
  },
  {
    name: 'sentry',
    human_name: 'Sentry',
    attachment_name: 'SENTRY',
    config_vars: ['SENTRY_DSN'],
    data_store: false,
    state: 'ga',
    created_at: '2013-05-01T00:00:00Z',
    plans: plans([
      ['f1', 0],
      ['t1', 2900],
    ]),
  },
  {
    name: 'heroku-inference',
    human_name: 'Heroku Managed Inference and Agents',
    attachment_name: 'INFERENCE',
    config_vars: ['INFERENCE_KEY', 'INFERENCE_MODEL_ID', 'INFERENCE_URL'],
    data_store: false,
    state: 'ga',
    created_at: '2025-05-01T00:00:00Z',
    plans: plans([
      ['claude-4-sonnet', 0],
      ['cohere-embed-multilingual', 0],
    ]),
  },
];

export const APP_PERMISSIONS = [
  { name: 'view', description: 'Can view the app, its activity and its resources.' },
  { name: 'deploy', description: 'Can deploy code, change config vars and run one-off dynos.' },
  { name: 'operate', description: 'Can scale, restart and otherwise operate the app and its add-ons.' },
  { name: 'manage', description: 'Can manage access, add-ons, domains and the app itself.' },
] as const;

export const ENTERPRISE_PERMISSIONS = [
  { name: 'view', description: 'View enterprise account members and teams.' },
  { name: 'create', description: 'Create teams in the enterprise account.' },
  { name: 'manage', description: 'Manage enterprise account members and settings.' },
  { name: 'billing', description: 'View and manage billing for the enterprise account.' },
] as const;

/** The Heroku CLI's OAuth client: authorizations it creates on `heroku login`. */
export const HEROKU_CLI_CLIENT = {
  name: 'Heroku CLI',
  redirect_uri: 'https://cli-auth.heroku.com/auth/cli/callback',
};

export interface DynoSizeInfo {
  name: string;
  generation: 'cedar' | 'fir';
  /** Memory in GB. */
  memory: number;
  /** Compute multiplier, as the size table states it. */
  compute: number;
  dyno_units: number;
  dedicated: boolean;
  private_space_only: boolean;
  /** List price a month, in cents (null where Heroku prices by usage or by contract). */
  cents: number | null;
}

/** Dyno sizes: Common Runtime, Private Spaces and Shield (Cedar), and Fir's Classic sizes. Memory and compute as Heroku's size table gives them; dyno units of private sizes approximate. */
export const DYNO_SIZES: DynoSizeInfo[] = [
  { name: 'Eco', generation: 'cedar', memory: 0.5, compute: 1, dyno_units: 0, dedicated: false, private_space_only: false, cents: null },
  { name: 'Basic', generation: 'cedar', memory: 0.5, compute: 1, dyno_units: 0, dedicated: false, private_space_only: false, cents: 700 },
  { name: 'Standard-1X', generation: 'cedar', memory: 0.5, compute: 1, dyno_units: 1, dedicated: false, private_space_only: false, cents: 2500 },
  { name: 'Standard-2X', generation: 'cedar', memory: 1, compute: 4, dyno_units: 2, dedicated: false, private_space_only: false, cents: 5000 },
  { name: 'Performance-M', generation: 'cedar', memory: 2.5, compute: 12, dyno_units: 8, dedicated: true, private_space_only: false, cents: 25000 },
  { name: 'Performance-L', generation: 'cedar', memory: 14, compute: 50, dyno_units: 16, dedicated: true, private_space_only: false, cents: 50000 },
  { name: 'Performance-L-RAM', generation: 'cedar', memory: 30, compute: 24, dyno_units: 16, dedicated: true, private_space_only: false, cents: 50000 },
  { name: 'Performance-XL', generation: 'cedar', memory: 62, compute: 50, dyno_units: 32, dedicated: true, private_space_only: false, cents: 75000 },
  { name: 'Performance-2XL', generation: 'cedar', memory: 126, compute: 100, dyno_units: 64, dedicated: true, private_space_only: false, cents: 150000 },
  { name: 'Private-S', generation: 'cedar', memory: 1, compute: 2, dyno_units: 5, dedicated: true, private_space_only: true, cents: null },
  { name: 'Private-M', generation: 'cedar', memory: 2.5, compute: 12, dyno_units: 8, dedicated: true, private_space_only: true, cents: null },
  { name: 'Private-L', generation: 'cedar', memory: 14, compute: 50, dyno_units: 16, dedicated: true, private_space_only: true, cents: null },
  { name: 'Shield-S', generation: 'cedar', memory: 1, compute: 2, dyno_units: 5, dedicated: true, private_space_only: true, cents: null },
  { name: 'Shield-M', generation: 'cedar', memory: 2.5, compute: 12, dyno_units: 8, dedicated: true, private_space_only: true, cents: null },
  { name: 'Shield-L', generation: 'cedar', memory: 14, compute: 50, dyno_units: 16, dedicated: true, private_space_only: true, cents: null },
  { name: '1X-Classic', generation: 'fir', memory: 0.5, compute: 1, dyno_units: 1, dedicated: false, private_space_only: true, cents: null },
  { name: '2X-Classic', generation: 'fir', memory: 1, compute: 4, dyno_units: 2, dedicated: false, private_space_only: true, cents: null },
  { name: 'Performance-M-Classic', generation: 'fir', memory: 2.5, compute: 12, dyno_units: 8, dedicated: false, private_space_only: true, cents: null },
  { name: 'Performance-L-Classic', generation: 'fir', memory: 14, compute: 50, dyno_units: 16, dedicated: false, private_space_only: true, cents: null },
];

/** The platform's generations. */
export const GENERATIONS = [
  { name: 'cedar', created_at: '2011-05-31T00:00:00Z' },
  { name: 'fir', created_at: '2025-04-29T00:00:00Z' },
] as const;

export interface FeatureInfo {
  name: string;
  display_name: string;
  description: string;
  state: 'public' | 'beta' | 'alpha';
  feedback_email: string;
}

const feature = (name: string, display_name: string, description: string, state: FeatureInfo['state'] = 'beta'): FeatureInfo => ({
  name,
  display_name,
  description,
  state,
  feedback_email: `${name}-feedback@heroku.com`,
});

/** Heroku Labs features of apps, off unless the scenario turns them on. */
export const APP_FEATURES: FeatureInfo[] = [
  feature('http-session-affinity', 'Session affinity', "Route a client's requests to the same dyno.", 'public'),
  feature('log-runtime-metrics', 'Log runtime metrics', "Emit dyno memory and CPU metrics to the app's logs.", 'beta'),
  feature('preboot', 'Preboot', 'Start new web dynos before stopping the old ones at deploy.', 'public'),
  feature('runtime-dyno-metadata', 'Dyno metadata', "Expose the dyno's release and app to it as config vars.", 'beta'),
  feature('runtime-dyno-build-metadata', 'Build metadata', "Expose the build's commit and buildpacks to the dyno as config vars.", 'beta'),
  feature('spaces-dns-discovery', 'DNS service discovery', "Resolve the app's dynos by name inside its Private Space.", 'public'),
];

/** Heroku Labs features of accounts. */
export const ACCOUNT_FEATURES: FeatureInfo[] = [
  feature('account-verification', 'Account verification', 'The account has a verified billing method.', 'public'),
  feature('pipelines-beta', 'Pipelines beta', 'Try pipeline features before they are released.', 'beta'),
];

/** Heroku names SNI endpoints (uploaded and ACM alike) after a dinosaur and a number: `brachiosaurus-51207`. */
export const SNI_ENDPOINT_NAMES = ['stegosaurus', 'brachiosaurus', 'triceratops', 'iguanodon', 'diplodocus', 'velociraptor', 'ankylosaurus'];

/**
 * Automated Certificate Management: Let's Encrypt certificates of 90 days,
 * renewed when 30 remain (every 60 days), one per custom domain.
 */
export const ACM = {
  issuer: "/C=US/O=Let's Encrypt/CN=R11",
  validityDays: 90,
  renewEveryDays: 60,
};
