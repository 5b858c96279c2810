import { describe, expect, it } from 'vitest';
import { DIALECTS, openTestHerowatch } from '../../test/support/herowatch.js';
import { ensureConnection } from '../service/connections.js';
import { listRuns } from '../store/runs.js';
import { beginRun, SyncAlreadyRunning } from './run-lifecycle.js';

describe.each(DIALECTS)("a run's lease on %s", (dialect) => {
  it('blocks another run while it holds, is renewed by the heartbeat, and once it runs out the run is interrupted', async () => {
    const hw = await openTestHerowatch(dialect, 'http://127.0.0.1:9');
    const connection = await ensureConnection(hw.store, 'edge', 'http://127.0.0.1:9');
    const first = await beginRun(hw.store, connection.id, 'inventory', { startedAt: new Date(), leaseMs: 300 });
    // Renewed while its heartbeat beats: still blocking well past one lease.
    await new Promise((resolve) => setTimeout(resolve, 700));
    await expect(beginRun(hw.store, connection.id, 'audit', { startedAt: new Date(), leaseMs: 300 })).rejects.toThrow(SyncAlreadyRunning);

    // Its process dies: nothing renews the lease, whatever the process id says.
    first.release();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const second = await beginRun(hw.store, connection.id, 'inventory', { startedAt: new Date(), leaseMs: 300 });
    expect(second.recovered).toEqual([first.id]);
    await second.abandon('stopped by the test', {}, 'interrupted');
    const runs = await listRuns(hw.store, connection.id);
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      [second.id, 'interrupted'],
      [first.id, 'interrupted'],
    ]);
    expect(runs[1]!.error).toMatch(/stopped renewing its lease/);
  });
});
