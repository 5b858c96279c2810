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

/** A framework's controls with the results of their checks among `findings`. */
export function buildFrameworkReport(frameworkId: string, findings: FindingView[], connections: string[], at: Date): FrameworkReport {
  const framework = frameworkNamed(frameworkId);
  if (!framework) throw new InputError(`There is no framework "${frameworkId}" (there are: ${frameworks().map((f) => f.id).join(', ')}).`);
  const counts = new Map<string, { passed: number; failed: number; suppressed: number; unknown: number }>();
  for (const finding of findings) {
    const c = counts.get(finding.check_id) ?? { passed: 0, failed: 0, suppressed: 0, unknown: 0 };
    if (finding.status === 'open') c.failed++;
    else if (finding.status === 'suppressed') c.suppressed++;
    else if (finding.status === 'unknown' || finding.result === 'UNKNOWN') c.unknown++;
    else c.passed++;
    counts.set(finding.check_id, c);
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
