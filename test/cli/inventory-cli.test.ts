import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openSqliteFile } from '../../src/store/sqlite-driver.js';
import { bin, herowatch as runCli, startHerowatch, type Run } from '../support/cli.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';
import { edgeScenario, T } from '../support/scenarios.js';

const herowatch = (env: Record<string, string>, ...args: string[]): Promise<Run> => runCli(env, args);

describe.each(DIALECTS)('the inventory commands on %s', (dialect) => {
  it('sync, datasets, export, sql, changes and runs work from the command line', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const env = { ...hw.env, HEROKU_API_KEY: T.admin, HEROKU_HOST: emulator.url };

    const sync = await herowatch(env, 'sync');
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/^Sync run 1 of connection "default" of admin@edge\.example: complete in [\d.]+s \(full\)\n/);
    expect(sync.stdout).toMatch(/coverage: \d+ ok, 0 forbidden, 0 failed, 0 missing/);

    const firstRequests = Number(/(\d+) requests/.exec(sync.stdout)![1]);

    // The next sync is incremental: the account-wide lists, and per app only what changed (nothing did).
    const again = await herowatch(env, 'sync', '--json');
    expect(again.code).toBe(0);
    type Line = { type: string; status?: string; notModified?: number; mode?: string; requests?: number; plan?: { lists: number; deferred: number } };
    const lines = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Line);
    const events = lines(again.stdout);
    expect(events[0]).toMatchObject({ type: 'start', runId: 2 });
    expect(events.find((e) => e.type === 'plan')).toMatchObject({ plan: { lists: 0, deferred: 0 } });
    expect(events.at(-1)).toMatchObject({ type: 'result', status: 'complete', mode: 'incremental' });
    expect(events.at(-1)!.requests).toBeLessThan(firstRequests / 2);
    // --full reads everything again, answered mostly by 304s.
    const full = lines((await herowatch(env, 'sync', '--full', '--json')).stdout);
    expect(full.at(-1)).toMatchObject({ type: 'result', status: 'complete', mode: 'full' });
    expect(full.at(-1)!.notModified).toBeGreaterThan(40);

    const datasets = await herowatch(env, 'datasets', '--json');
    const summary = JSON.parse(datasets.stdout) as { name: string; rows: number }[];
    expect(summary.find((d) => d.name === 'apps')!.rows).toBe(6);
    expect(summary.map((d) => d.name)).toEqual(expect.arrayContaining(['apps', 'addons', 'addon_services', 'teams', 'audit_events', 'sync_runs', 'coverage']));

    const csv = await herowatch(env, 'export', 'apps');
    expect(csv.stdout.split('\n')[0]).toBe(
      'connection,id,name,team_id,team_name,owner_email,region,stack,build_stack,generation,acm,maintenance,locked,space,web_url,git_url,buildpack_provided_description,slug_size,repo_size,released_at,archived_at,created_at,updated_at',
    );
    expect(csv.stdout.trim().split('\n')).toHaveLength(7);
    const json = JSON.parse((await herowatch(env, 'export', 'addon-services', '--format', 'json')).stdout) as { name: string; supports_sharing: boolean }[];
    expect(json.find((s) => s.name === 'heroku-postgresql')).toMatchObject({ supports_sharing: true });
    const ndjson = (await herowatch(env, 'export', 'collaborators', '--format', 'ndjson')).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { permissions: unknown });
    expect(ndjson.some((c) => Array.isArray(c.permissions))).toBe(true);
    // Data with escape sequences prints as text, never as terminal commands.
    const escaped = await herowatch(env, 'sql', `SELECT ${dialect === 'sqlite' ? 'char(27)' : 'chr(27)'} || '[2Jgone' AS x`);
    expect(escaped.code, escaped.stderr).toBe(0);
    expect(escaped.stdout).toContain('\\u001b[2Jgone');
    expect(escaped.stdout).not.toContain('\u001b');
    const out = join(hw.home, 'teams.csv');
    expect((await herowatch(env, 'export', 'teams', '--out', out)).stderr).toContain(`Wrote 3 rows of teams to ${out}`);
    expect((await readFile(out, 'utf8')).split('\n')[0]).toMatch(/^connection,id,name,type,role/);

    const query = await herowatch(env, 'sql', "SELECT name FROM apps WHERE team_name = 'edge-core' ORDER BY name", '--json');
    expect(JSON.parse(query.stdout)).toEqual({
      columns: ['name'],
      rows: [{ name: 'edge-api' }, { name: 'edge-worker' }],
      truncated: false,
      truncated_by: null,
      cut_cells: 0,
    });
    // An answer cut at the default cap says so and fails; one cut where --limit asked does not.
    const many =
      dialect === 'sqlite'
        ? 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10001) SELECT i FROM n'
        : 'SELECT i FROM generate_series(1, 10001) AS i';
    const capped = await herowatch(env, 'sql', many, '--json');
    expect(capped.code).toBe(1);
    expect(JSON.parse(capped.stdout)).toMatchObject({ truncated: true, truncated_by: 'rows', rows: expect.any(Array) });
    expect(capped.stderr).toMatch(/matched more than 10,000 rows and the answer was cut: .*--limit N/);
    const asked = await herowatch(env, 'sql', many, '--limit', '3', '--format', 'csv');
    expect(asked).toMatchObject({ code: 0, stdout: 'i\n1\n2\n3\n' });
    expect(asked.stderr).toContain('(3 rows, the first 3 as asked; there are more)');

    // A name that is no connection, where one exists and no HEROKU_API_KEY names a new account: said, with those there are.
    const { HEROKU_API_KEY: _key, ...withoutKey } = env;
    const typo = await herowatch(withoutKey, 'sync', '--connection', 'defualt');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('There is no connection "defualt" (connections: default)');
    // No event of an app that is in no inventory: it says so, not that a permission is missing.
    expect((await herowatch(env, 'events', '--app', 'nope')).stdout).toContain('There is no app "nope" in the inventory');
    // A new home is said to be new (a mistyped HEROWATCH_HOME would otherwise look like an empty installation).
    if (dialect === 'sqlite') {
      const fresh = await herowatch({ ...env, HEROWATCH_HOME: join(hw.home, 'typo') }, 'datasets');
      expect(fresh.stderr).toContain(`created a new, empty home at ${join(hw.home, 'typo')} (from HEROWATCH_HOME)`);
    }
    const changes = await herowatch(env, 'changes', '--since', '1', '--json');
    expect(JSON.parse(changes.stdout)).toEqual({ connection: 'default', since: 1, until: 3, changes: [] });
    const runs = JSON.parse((await herowatch(env, 'runs', '--json')).stdout) as { id: number; status: string }[];
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      [3, 'complete'],
      [2, 'complete'],
      [1, 'complete'],
    ]);
    expect(runs.map((r) => (r as { mode?: string }).mode)).toEqual(['full', 'incremental', 'full']);
    // Every list was read by the last (full) run, moments ago.
    const fresh = JSON.parse((await herowatch(env, 'freshness', '--json')).stdout) as {
      connection: string;
      resources: { resource: string; lists: number; maxMs: number; overMax: number }[];
    }[];
    expect(fresh[0]!.connection).toBe('default');
    expect(fresh[0]!.resources.find((r) => r.resource === 'domains')).toMatchObject({ lists: 6, overMax: 0 });
    expect(Math.max(...fresh[0]!.resources.map((r) => r.maxMs))).toBeLessThan(10 * 60_000);
    expect((await herowatch(env, 'freshness')).stdout).toMatch(/^default: lists last read from Heroku \(maximum staleness 7\.0 d\)\n[\s\S]*domains/);
  }, 120_000);

  it('refuses writes through sql and keeps the data', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const env = { ...hw.env, HEROKU_API_KEY: T.admin, HEROKU_HOST: emulator.url };
    expect((await herowatch(env, 'sync')).code).toBe(0);
    for (const statement of [
      'DELETE FROM hw_records',
      'DROP VIEW apps',
      'SELECT 1; DROP VIEW apps',
      'SELECT 1; COMMIT; DELETE FROM hw_records',
      "UPDATE hw_connections SET name = 'x'",
    ]) {
      const result = await herowatch(env, 'sql', statement);
      expect(result.code, statement).toBe(2);
      expect(result.stderr).toMatch(/^herowatch: /);
    }
    expect(JSON.parse((await herowatch(env, 'sql', 'SELECT count(*) AS n FROM apps', '--json')).stdout).rows).toEqual([{ n: 6 }]);
  }, 60_000);

  it('explains bad input and exits 2', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const base = { ...hw.env, HEROKU_HOST: emulator.url };
    const cases: [Record<string, string>, string[], RegExp][] = [
      [base, ['sync'], /No Heroku token for connection "default": connect it, or set HEROKU_API_KEY[\s\S]*fix: herowatch connect --name default --token-stdin/],
      [{ ...base, HEROKU_API_KEY: T.admin }, ['sync', '--reserve', '150'], /--reserve <percent>' argument '150' is invalid. Use a percentage from 0 to 99/],
      [{ ...base, HEROKU_API_KEY: T.admin }, ['sync', '--connection', 'no spaces'], /not a valid connection name/],
      [{ ...base, DATABASE_URL: 'mysql://x' }, ['datasets'], /DATABASE_URL must be a PostgreSQL URL/],
      [base, ['export', 'appz'], /There is no dataset "appz"; did you mean apps\? Datasets: account, rate_limits/],
      [base, ['export', 'apps', '--connection', 'prodd'], /There is no connection "prodd"\.\n {2}fix: herowatch connect --name prodd --token-stdin/],
      [base, ['datasets', '--connection', 'prodd'], /There is no connection "prodd"/],
      [base, ['runs', '--connection', 'prodd'], /There is no connection "prodd"/],
      [base, ['findings', '--connection', 'prodd'], /There is no connection "prodd"/],
      [base, ['findings'], /There are no connections here, so there are no findings: connect an account/],
      [base, ['export', 'apps', '--format', 'xml'], /--format <format>' argument 'xml' is invalid. Allowed choices are csv, json, ndjson/],
      [base, ['changes', '--since', '7'], /There is no connection yet|no complete sync|not a complete sync/],
      [base, ['changes', '--since', '99999999999999999999'], /--since <run>' argument '99999999999999999999' is invalid/],
      [base, ['runs', '--limit', '99999999999999999999'], /--limit <n>' argument '99999999999999999999' is invalid/],
      [base, ['sql', 'SELEC nonsense'], /The query is not SQL herowatch can run: (near "SELEC": syntax error|syntax error at or near "SELEC")/],
      [base, ['sql', 'SELECT * FROM apps WHERE'], /syntax error|incomplete input/],
      [base, ['export', 'app'], /There is no dataset "app"; did you mean apps\?/],
      [base, ['export', 'apps', '--out', '/proc/x.csv'], /Cannot write \/proc\/x\.csv: files cannot be created in \/proc/],
      ...(dialect === 'sqlite'
        ? ([[{ ...base, HEROWATCH_HOME: '/etc/hostname' }, ['datasets'], /home \/etc\/hostname is a file, not a folder: point HEROWATCH_HOME at a folder/]] as [
            Record<string, string>,
            string[],
            RegExp,
          ][])
        : []),
    ];
    // Independent of each other (none writes): four at a time.
    for (let i = 0; i < cases.length; i += 4) {
      const batch = cases.slice(i, i + 4);
      const results = await Promise.all(batch.map(([env, args]) => herowatch(env, ...args)));
      batch.forEach(([, args, message], k) => {
        expect(results[k]!.code, args.join(' ')).toBe(2);
        expect(results[k]!.stderr, args.join(' ')).toMatch(message);
      });
    }
    // With --json, the error is one JSON object on standard output, with its kind; nothing on standard error.
    for (const args of [
      ['export', 'apps', '--connection', 'prodd', '--json'],
      ['runs', '--limit', 'x', '--json'],
      ['findings', '--check', 'nope', '--json'],
    ]) {
      const result = await herowatch(base, ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toBe('');
      const { error } = JSON.parse(result.stdout) as { error: { code: string; kind: string; message: string; remedy: unknown; fix: string | null } };
      expect(['input', 'not_found']).toContain(error.kind);
      expect(error.code).toMatch(/^HW_[A-Z_]+$/);
      expect(error.message.length).toBeGreaterThan(10);
    }
    // An unknown connection names the code scripts decide on, and what fixes it, as data and as the command.
    const gone = JSON.parse((await herowatch(base, 'export', 'apps', '--connection', 'prodd', '--json')).stdout) as { error: unknown };
    expect(gone.error).toEqual({
      code: 'HW_CONNECTION_UNKNOWN',
      kind: 'not_found',
      message: expect.stringContaining('There is no connection "prodd"'),
      // With no connection at all, the name is one to connect (among others, it is a slip: the list is the fix).
      remedy: { do: 'connect', connection: 'prodd' },
      fix: 'herowatch connect --name prodd --token-stdin',
    });
    // Files that cannot be written are named, with the fix.
    await herowatch({ ...base, HEROKU_API_KEY: T.admin }, 'sync');
    const folder = await herowatch(base, 'export', 'apps', '--out', hw.home);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`${hw.home} is a folder: give a file name inside it`);
    const missing = await herowatch(base, 'export', 'apps', '--out', join(hw.home, 'no', 'such', 'apps.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`the folder ${join(hw.home, 'no', 'such')} does not exist. Create it first`);
  }, 120_000);
});

describe('a sync waiting for the rate limit', () => {
  it('learns a small pool, says it is waiting and for how long, and ends at once on Ctrl-C with the run marked interrupted', async () => {
    // A 30-token pool refilling at Heroku's 75 a minute: the edge world takes more requests than that, so the sync must wait.
    const emulator = await startEmulatorForTest({ scenario: edgeScenario(), rateLimit: { poolSize: 30, refillPerMinute: 75 } });
    const hw = await openTestHerowatch('sqlite', emulator.url);
    const env = { ...hw.env, HEROKU_API_KEY: T.admin, HEROKU_HOST: emulator.url };
    const sync = startHerowatch(env, ['sync', '--json']);
    let seen = '';
    sync.child.stdout!.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    const started = Date.now();
    while (!seen.includes('"type":"rate-limit-wait"')) {
      if (Date.now() - started > 30_000) throw new Error(`no rate-limit wait was reported: ${seen.slice(-500)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const wait = seen
      .split('\n')
      .filter((l) => l.includes('"rate-limit-wait"'))
      .map((l) => JSON.parse(l) as { remaining: number; reserve: number; resumesInMs: number })
      .at(-1)!;
    // The reserve is a share of the 30-token pool it found, not of the 4,500 it assumed.
    expect(wait.reserve).toBe(3);
    expect(wait.resumesInMs).toBeGreaterThan(0);
    expect(wait.resumesInMs).toBeLessThanOrEqual(5_000);

    const interruptedAt = Date.now();
    sync.child.kill('SIGINT');
    const result = await sync.done;
    expect(Date.now() - interruptedAt).toBeLessThan(2000);
    expect(result.code).toBe(130);
    expect(result.stderr).not.toMatch(/MaxListenersExceeded|Warning/);
    expect(result.stderr).not.toMatch(/"level":/); // no raw log lines in normal output
    expect(result.stdout).toContain('"status":"interrupted"');
    const runs = await runCli(env, ['runs', '--json']);
    expect((JSON.parse(runs.stdout) as { status: string }[])[0]!.status).toBe('interrupted');
  }, 60_000);
});

describe('the database file', () => {
  it("is refused, naming it and the fix, when it is empty, not SQLite, or another program's; nothing is written to it", async () => {
    const home = await mkdtemp(join(tmpdir(), 'herowatch-db-'));
    onTestFinished(() => rm(home, { recursive: true, force: true }));
    const database = join(home, 'herowatch.db');
    const env = { HEROWATCH_HOME: home };
    const cases: [() => Promise<void>, RegExp][] = [
      [
        () => writeFile(database, ''),
        /The database .*herowatch\.db is empty \(0 bytes\): it is not a herowatch database\. If it should hold data, restore it from a backup/,
      ],
      [
        () => writeFile(database, 'not a database at all, just some text that is long enough to be a header'),
        /herowatch\.db is not a SQLite database, or it is damaged .*restore it from a backup/,
      ],
      [
        async () => {
          await rm(database, { force: true });
          const other = openSqliteFile(database);
          other.exec('CREATE TABLE orders (id INTEGER); CREATE TABLE customers (id INTEGER)');
          other.close();
        },
        /herowatch\.db holds another program's database \(tables: customers, orders\): herowatch will not write into it/,
      ],
    ];
    for (const [prepare, message] of cases) {
      await prepare();
      const before = await readFile(database);
      const result = await runCli(env, ['datasets']);
      expect(result.code, String(message)).toBe(2);
      expect(result.stderr).toMatch(message);
      expect((await readFile(database)).equals(before)).toBe(true);
    }
  }, 60_000);

  it.skipIf(asRootWithoutReader())(
    'is read where it cannot be written: reading commands answer, writing ones say why they cannot, and nothing changes',
    async () => {
      const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
      const home = await mkdtemp(join(tmpdir(), 'herowatch-ro-'));
      onTestFinished(async () => {
        await chmod(home, 0o700);
        await rm(home, { recursive: true, force: true });
      });
      const env = { HEROWATCH_HOME: home, HEROKU_API_KEY: T.admin, HEROKU_HOST: emulator.url };
      expect((await runCli(env, ['sync'])).code).toBe(0);
      const database = join(home, 'herowatch.db');
      await chmod(database, 0o444);
      await chmod(home, 0o555);
      // Root may write anything: the commands run as nobody then, for whom the home is read-only as it is for its owner.
      const reader = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
      const before = await readFile(database);
      const files = await readdir(home);
      const read = async (...args: string[]) => {
        const result = await runCli(env, args, undefined, reader);
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
        return result.stdout;
      };
      expect((JSON.parse(await read('datasets', '--json')) as { name: string; rows: number }[]).find((d) => d.name === 'apps')!.rows).toBe(6);
      expect(JSON.parse(await read('sql', 'SELECT count(*) AS n FROM apps', '--json')).rows).toEqual([{ n: 6 }]);
      expect((await read('export', 'apps')).trim().split('\n')).toHaveLength(7);
      expect((JSON.parse(await read('runs', '--json')) as unknown[]).length).toBe(1);
      expect(JSON.parse(await read('findings', '--json'))).not.toEqual([]);
      expect(JSON.parse(await read('changes', '--since', '1', '--json'))).toMatchObject({ connection: 'default', changes: [] });
      expect(await read('report', '--framework', 'soc2')).toMatch(/SOC 2/);
      expect(await read('events')).not.toBe('');

      const sync = await runCli(env, ['sync'], undefined, reader);
      expect(sync.code).toBe(2);
      expect(sync.stderr).toContain(`${database} cannot be written (its folder or file is read-only), and this command writes to it`);
      expect((await readFile(database)).equals(before)).toBe(true);
      expect(await readdir(home)).toEqual(files);
    },
    60_000,
  );
});

/**
 * Root may write anything, so the read-only test runs the CLI as nobody;
 * in a checkout nobody cannot reach (a private folder), it cannot run.
 */
function asRootWithoutReader(): boolean {
  if (process.getuid?.() !== 0) return false;
  for (let dir = dirname(bin); dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return true;
  }
  return false;
}
