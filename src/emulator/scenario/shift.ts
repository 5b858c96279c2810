import type { Scenario } from './types.js';

const DAY_MS = 86_400_000;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** Subtrees whose strings are data, not the scenario's timestamps. */
const OPAQUE = new Set(['config_vars', 'files', 'meta', 'data']);

/**
 * Moves a scenario in time so that its `now` becomes `target` (by whole
 * days, so times of day and UTC day boundaries stay as written). Every
 * timestamp (`now` and each `*_at` field) moves by the same amount, so ages,
 * expiries and "the last 7 days" read the same as on the day it was written.
 */
export function shiftScenario(scenario: Scenario, target: Date): Scenario {
  if (!scenario.now) throw new Error('Shifting a scenario to the present needs the scenario to set "now".');
  const days = Math.floor((target.getTime() - Date.parse(scenario.now)) / DAY_MS);
  if (days === 0) return scenario;
  return shift(scenario, days * DAY_MS) as Scenario;
}

function shift(value: unknown, ms: number, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => shift(item, ms));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = OPAQUE.has(k) ? v : shift(v, ms, k);
    return out;
  }
  if (typeof value === 'string' && (key === 'now' || key.endsWith('_at')) && ISO_DATE_TIME.test(value)) {
    return new Date(Date.parse(value) + ms).toISOString().replace(/\.000Z$/, 'Z');
  }
  return value;
}
