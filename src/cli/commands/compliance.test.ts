import { describe, expect, it } from 'vitest';
import type { EvaluationSummary } from '../../service/compliance.js';
import type { Output } from '../output.js';
import { printEvaluation } from './compliance.js';

function captured(): { output: Output; lines: string[] } {
  const lines: string[] = [];
  const output: Output = {
    out: (line = '') => void lines.push(line),
    err: (line = '') => void lines.push(line),
    json: (value) => void lines.push(JSON.stringify(value)),
    raw: (text) => void lines.push(text),
  };
  return { output, lines };
}

describe('printEvaluation', () => {
  const summary: EvaluationSummary = {
    connection: 'prod',
    evaluationId: 1,
    runId: 1,
    evaluatedAt: '2026-12-01T00:00:00Z',
    checks: 17,
    passed: 40,
    failed: 2,
    unknown: 0,
    changeCounts: { opened: 0, reopened: 0, resolved: 0 },
    changes: [],
    warningCount: 0,
    warnings: [],
    timings: { loadMs: 1, evaluateMs: 1, storeMs: 1 },
  };

  it('shows warnings (passes that need attention soon) without --json, at most ten', () => {
    const warnings = Array.from({ length: 12 }, (_, i) => ({
      checkId: 'app_stack_supported',
      resourceName: `app-${i}`,
      message: `app-${i} runs on heroku-22, which reaches end of life on 2027-04-30, in 150 days: plan the upgrade.`,
    }));
    const { output, lines } = captured();
    printEvaluation(output, { ...summary, warnings, warningCount: 12 });
    expect(lines[1]).toBe('12 warnings (passing for now):');
    expect(lines[2]).toBe('  app_stack_supported: app-0 runs on heroku-22, which reaches end of life on 2027-04-30, in 150 days: plan the upgrade.');
    expect(lines).toHaveLength(13);
    expect(lines.at(-1)).toBe(
      "  ... and 2 more (herowatch findings --connection prod --status pass --check CHECK lists a check's passing results, these among them)",
    );
  });

  it('says nothing more when there is no warning', () => {
    const { output, lines } = captured();
    printEvaluation(output, summary);
    expect(lines).toHaveLength(1);
  });
});
