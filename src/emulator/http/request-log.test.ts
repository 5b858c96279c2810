import { describe, expect, it } from 'vitest';
import { RequestLog } from './request-log.js';

const request = (path: string) => ({
  at: '2026-12-01T00:00:00Z',
  method: 'GET',
  path,
  status: 200,
  account: null,
  cost: 1,
  remaining: null,
  range: null,
  fault: null,
  durationMs: 1,
});

describe('the request log', () => {
  it('keeps the last entries up to its limit, oldest first, and counts them all', () => {
    const log = new RequestLog(5);
    for (let i = 1; i <= 13; i++) log.add(request(`/apps/${i}`));
    expect(log.list().map((e) => e.path)).toEqual(['/apps/9', '/apps/10', '/apps/11', '/apps/12', '/apps/13']);
    expect(log.list(11).map((e) => e.seq)).toEqual([12, 13]);
    expect(log.totals).toEqual({ requests: 13, cost: 13 });
    expect(log.lastSeq).toBe(13);
    log.clear();
    log.add(request('/account'));
    expect(log.list().map((e) => e.path)).toEqual(['/account']);
  });
});
