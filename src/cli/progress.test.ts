import { describe, expect, it } from 'vitest';
import type { SyncProgress } from '../inventory/sync.js';
import { progressJson } from './progress.js';

describe('progress as JSON lines', () => {
  it('keeps every event but intermediate steps, which come at most every 250 ms, and always the start and end of a phase', () => {
    let clock = 0;
    const lines: SyncProgress[] = [];
    const progress = progressJson((event) => lines.push(event), { now: () => clock });
    progress.update({ type: 'start', runId: 1, interrupted: [] });
    for (let done = 0; done <= 1000; done++) {
      clock += 1;
      progress.update({ type: 'progress', phase: 'apps', done, total: 1000 });
    }
    progress.update({ type: 'gap', resource: 'config_vars', parentKey: 'a', status: 'forbidden', reason: 'scope' });
    const steps = lines.filter((e) => e.type === 'progress').map((e) => (e.type === 'progress' ? e.done : -1));
    expect(steps).toEqual([0, 250, 500, 750, 1000]);
    expect(lines.map((e) => e.type)).toEqual(['start', 'progress', 'progress', 'progress', 'progress', 'progress', 'gap']);
  });
});
