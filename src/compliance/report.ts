import { NotFoundError } from '../errors.js';
import type { FindingView } from './finding-view.js';
import { frameworkNamed, frameworks } from './frameworks.js';
import { checkNamed } from './registry.js';

export interface ControlReport {
  id: string;
  title: string;
  /** failing: an open finding; passing: every result passes; unknown: some results could not be evaluated; not_evaluated: no result. */
  status: 'failing' | 'passing' | 'unknown' | 'not_evaluated';
  checks: { id: string; title: string; passed: number; failed: number; suppressed: number; unknown: number }[];
}

export interface FrameworkReport {
  framework: { id: string; name: string; version: string };
  connections: string[];
  generated_at: string;
  controls: ControlReport[];
  summary: Record<ControlReport['status'], number>;
}

export type CheckCounts = { passed: number; failed: number; suppressed: number; unknown: number };

/**
 * The one order in which every door and the evidence report say a report's
 * counts: worst first, so what needs work leads (the CLI, the dashboard and
 * the auditor's report cannot then disagree on which number is which).
 */
export const CONTROL_STATUS_ORDER = [
  { status: 'failing', label: 'failing' },
  { status: 'unknown', label: 'unknown' },
  { status: 'passing', label: 'passing' },
  { status: 'not_evaluated', label: 'not evaluated' },
] as const satisfies readonly { status: ControlReport['status']; label: string }[];

/** A check's counts, in the same order: worst first. */
export const CHECK_COUNT_ORDER = ['failed', 'unknown', 'suppressed', 'passed'] as const satisfies readonly (keyof CheckCounts)[];

/** "2 failing, 1 unknown, 5 passing, 0 not evaluated" */
export function summaryText(summary: FrameworkReport['summary']): string {
  return CONTROL_STATUS_ORDER.map(({ status, label }) => `${summary[status]} ${label}`).join(', ');
}

/** "failed / unknown / suppressed / passed", the heading of `checkCountsText`. */
export const CHECK_COUNTS_HEADING = CHECK_COUNT_ORDER.join(' / ');

/** A check's counts as "1 / 0 / 0 / 21", in CHECK_COUNT_ORDER. */
export function checkCountsText(counts: CheckCounts): string {
  return CHECK_COUNT_ORDER.map((k) => counts[k]).join(' / ');
}

/** How a framework report counts a finding: failing while open, suppressed, unknown (no result), or passed (resolved or passing). */
export function reportClass(status: string, result: string): keyof CheckCounts {
  if (status === 'open') return 'failed';
  if (status === 'suppressed') return 'suppressed';
  if (status === 'unknown' || result === 'UNKNOWN') return 'unknown';
  return 'passed';
}

/** A framework's controls with the results of their checks among `findings`. */
export function buildFrameworkReport(frameworkId: string, findings: FindingView[], connections: string[], at: Date): FrameworkReport {
  return frameworkReportFromCounts(
    frameworkId,
    findings.map((f) => ({ check_id: f.check_id, status: f.status, result: f.result, n: 1 })),
    connections,
    at,
  );
}

/** A framework's controls from counts of findings per check, status and result. */
export function frameworkReportFromCounts(
  frameworkId: string,
  rows: { check_id: string; status: string; result: string; n: number }[],
  connections: string[],
  at: Date,
): FrameworkReport {
  const framework = frameworkNamed(frameworkId);
  if (!framework)
    throw new NotFoundError(
      'HW_FRAMEWORK_UNKNOWN',
      `There is no framework "${frameworkId}" (there are: ${frameworks()
        .map((f) => f.id)
        .join(', ')}).`,
    );
  const counts = new Map<string, CheckCounts>();
  for (const row of rows) {
    const c = counts.get(row.check_id) ?? { passed: 0, failed: 0, suppressed: 0, unknown: 0 };
    c[reportClass(row.status, row.result)] += row.n;
    counts.set(row.check_id, c);
  }
  const controls = framework.controls.map((control): ControlReport => {
    const checks = control.checks.map((id) => ({
      id,
      title: checkNamed(id)!.title,
      ...(counts.get(id) ?? { passed: 0, failed: 0, suppressed: 0, unknown: 0 }),
    }));
    const total = (k: 'passed' | 'failed' | 'suppressed' | 'unknown'): number => checks.reduce((sum, c) => sum + c[k], 0);
    const status = total('failed') > 0 ? 'failing' : total('unknown') > 0 ? 'unknown' : total('passed') + total('suppressed') > 0 ? 'passing' : 'not_evaluated';
    return { id: control.id, title: control.title, status, checks };
  });
  const summary = { failing: 0, passing: 0, unknown: 0, not_evaluated: 0 };
  for (const control of controls) summary[control.status]++;
  return { framework: { id: framework.id, name: framework.name, version: framework.version }, connections, generated_at: at.toISOString(), controls, summary };
}
