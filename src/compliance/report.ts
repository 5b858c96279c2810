import { InputError } from '../errors.js';
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

/** How a framework report counts a finding: failing while open, suppressed, unknown (no result), or passed (resolved or passing). */
export function reportClass(status: string, result: string): keyof CheckCounts {
  if (status === 'open') return 'failed';
  if (status === 'suppressed') return 'suppressed';
  if (status === 'unknown' || result === 'UNKNOWN') return 'unknown';
  return 'passed';
}

/** A framework's controls with the results of their checks among `findings`. */
export function buildFrameworkReport(frameworkId: string, findings: FindingView[], connections: string[], at: Date): FrameworkReport {
  return frameworkReportFromCounts(frameworkId, findings.map((f) => ({ check_id: f.check_id, status: f.status, result: f.result, n: 1 })), connections, at);
}

/** A framework's controls from counts of findings per check, status and result. */
export function frameworkReportFromCounts(frameworkId: string, rows: { check_id: string; status: string; result: string; n: number }[], connections: string[], at: Date): FrameworkReport {
  const framework = frameworkNamed(frameworkId);
  if (!framework) throw new InputError(`There is no framework "${frameworkId}" (there are: ${frameworks().map((f) => f.id).join(', ')}).`);
  const counts = new Map<string, CheckCounts>();
  for (const row of rows) {
    const c = counts.get(row.check_id) ?? { passed: 0, failed: 0, suppressed: 0, unknown: 0 };
    c[reportClass(row.status, row.result)] += row.n;
    counts.set(row.check_id, c);
  }
  const controls = framework.controls.map((control): ControlReport => {
    const checks = control.checks.map((id) => ({ id, title: checkNamed(id)!.title, ...(counts.get(id) ?? { passed: 0, failed: 0, suppressed: 0, unknown: 0 }) }));
    const total = (k: 'passed' | 'failed' | 'suppressed' | 'unknown'): number => checks.reduce((sum, c) => sum + c[k], 0);
    const status = total('failed') > 0 ? 'failing' : total('unknown') > 0 ? 'unknown' : total('passed') + total('suppressed') > 0 ? 'passing' : 'not_evaluated';
    return { id: control.id, title: control.title, status, checks };
  });
  const summary = { failing: 0, passing: 0, unknown: 0, not_evaluated: 0 };
  for (const control of controls) summary[control.status]++;
  return { framework: { id: framework.id, name: framework.name, version: framework.version }, connections, generated_at: at.toISOString(), controls, summary };
}
