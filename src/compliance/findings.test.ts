import { describe, expect, it } from 'vitest';
import { CHECKS } from './registry.js';
import type { CheckOutcome } from './evaluate.js';
import { ChangeTally, EvaluationPlanner, type FindingChange } from './findings.js';

const now = new Date('2026-12-01T00:00:00Z');

function failing(checkId: string, resource: string): CheckOutcome {
  const check = CHECKS.find((c) => c.id === checkId)!;
  return { check, status: 'FAIL', resource: { type: 'app', key: resource, name: resource }, message: `${resource} fails ${checkId}` };
}

describe('what an evaluation tells', () => {
  it('counts every change and keeps the most severe few, whatever their number', () => {
    const tally = new ChangeTally(3);
    const change = (i: number, severity: string): FindingChange => ({
      event: i % 5 === 0 ? 'resolved' : 'opened',
      findingId: i,
      checkId: 'c',
      severity,
      resourceKey: `r${i}`,
      resourceName: `r${i}`,
      message: '',
    });
    for (let i = 1; i <= 10_000; i++) tally.add(change(i, i % 1000 === 0 ? 'critical' : 'low'));
    expect(tally.counts).toEqual({ opened: 8000, reopened: 0, resolved: 2000 });
    expect(tally.total).toBe(10_000);
    // Every thousandth change is critical: those are listed first, the first three of them.
    expect(tally.listed().map((c) => `${c.severity} ${c.findingId}`)).toEqual(['critical 1000', 'critical 2000', 'critical 3000']);
  });

  it('a planner counts the opened findings of a page beyond what it lists, and leaves out what a suppression covers', () => {
    const checkIds = [...new Set(CHECKS.map((c) => c.id))].slice(0, 2);
    const planner = new EvaluationPlanner({
      lapsed: [],
      active: [{ id: 1, check_id: checkIds[0]!, resource_key: 'app-0' }],
      checksRun: checkIds,
      now,
      listed: 4,
    });
    const outcomes = Array.from({ length: 20 }, (_, i) => failing(checkIds[i % 2]!, `app-${i}`));
    const chunk = planner.page(outcomes, []);
    expect(chunk.inserts).toHaveLength(20);
    planner.inserted(chunk.inserts.map((row, i) => ({ id: i + 1, check_id: row.check_id, resource_key: row.resource_key, status: row.status })));
    // app-0 under the suppressed check is not told; the other 19 are counted, four listed.
    expect(planner.changes.counts).toEqual({ opened: 19, reopened: 0, resolved: 0 });
    expect(planner.changes.listed()).toHaveLength(4);
    expect(planner.changes.listed().map((c) => c.resourceKey)).not.toContain('app-0');
  });
});
