import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './wait.js';

const run = promisify(execFile);

/**
 * A PostgreSQL server of a test's own, which it may stop and start: the
 * shared test server (HEROWATCH_TEST_DATABASE_URL) serves every other test
 * at once. Built from the binaries of the PostgreSQL package that
 * `.ci/postgres` installs; as root, run as the `postgres` user, which
 * PostgreSQL requires.
 */
export interface PrivatePostgres {
  url: string;
  /** Stops the server (fast shutdown: sessions are cut), waits `downMs`, starts it again. */
  restart(downMs: number): Promise<void>;
  close(): Promise<void>;
}

/** The directory of the newest installed PostgreSQL's `initdb` and `pg_ctl`, or null. */
async function findBinaries(): Promise<string | null> {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = (await readdir(root)).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres | null> {
  const binaries = await findBinaries();
  if (!binaries) return null;
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? { uid: Number((await run('id', ['-u', 'postgres'])).stdout), gid: Number((await run('id', ['-g', 'postgres'])).stdout) } : null;
  const dir = await mkdtemp(join(tmpdir(), 'herowatch-pg-'));
  if (user) await chown(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const port = await freePort();
  const pg = (tool: string, args: string[]) => run(join(binaries, tool), args, user ? { uid: user.uid, gid: user.gid, cwd: dir } : { cwd: dir });
  await pg('initdb', ['-D', data, '-U', 'herowatch', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = () => pg('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  const stop = (mode: 'fast' | 'immediate') => pg('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  await start();
  return {
    url: `postgres://herowatch@127.0.0.1:${port}/postgres`,
    async restart(downMs) {
      await stop('fast');
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await start();
    },
    async close() {
      await stop('immediate').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
