import type { ComplianceSettings } from '../settings.js';
import { SettingsError } from '../settings.js';
import type { CheckDefinition, CheckResult } from './check.js';
import { APP_LISTS, type ComplianceInventory } from './inventory.js';
import { CHECKS } from './registry.js';

export interface CheckOutcome extends CheckResult {
  check: CheckDefinition;
}

/** The checks that run under these settings (all but the disabled ones, which must exist). */
export function enabledChecks(settings: ComplianceSettings, checks: CheckDefinition[] = CHECKS): CheckDefinition[] {
  const ids = new Set(checks.map((c) => c.id));
  const unknownIds = settings.disabled_checks.filter((id) => !ids.has(id));
  if (unknownIds.length > 0)
    throw new SettingsError(
      `compliance.disabled_checks names ${unknownIds.join(', ')}, which ${unknownIds.length === 1 ? 'is not a check' : 'are not checks'}.`,
      { remedy: { do: 'list', what: 'checks' } },
    );
  return checks.filter((c) => !settings.disabled_checks.includes(c.id));
}

/**
 * The checks these settings retire, each with why: disabled ones, and those
 * with nothing to hold resources to (a region check without allowed
 * regions). Their open findings are resolved saying so.
 */
export function retiredChecks(settings: ComplianceSettings, checks: CheckDefinition[] = CHECKS): Map<string, string> {
  const retired = new Map<string, string>();
  for (const check of checks) {
    if (settings.disabled_checks.includes(check.id)) retired.set(check.id, 'the check is disabled in the settings (compliance.disabled_checks)');
    else {
      const why = check.inactive?.(settings);
      if (why) retired.set(check.id, why);
    }
  }
  return retired;
}

/**
 * Whether a check gives results about apps and their resources (it reads a
 * per-app list): an evaluation runs it on each page of apps, and the others
 * once, on the account's own lists.
 */
export function readsApps(check: CheckDefinition): boolean {
  return check.reads.some((list) => APP_LISTS.has(list));
}

/** Runs checks (default: those the settings enable) over the inventory: one outcome per check and resource. */
export function evaluateChecks(
  inventory: ComplianceInventory,
  settings: ComplianceSettings,
  checks: CheckDefinition[] = enabledChecks(settings),
): CheckOutcome[] {
  const outcomes: CheckOutcome[] = [];
  for (const check of checks) {
    const seen = new Set<string>();
    for (const result of check.evaluate(inventory, settings)) {
      // One result per resource: a check that emits a key twice is a bug worth failing loudly on.
      if (seen.has(result.resource.key)) throw new Error(`Check ${check.id} gave two results for ${result.resource.key}.`);
      seen.add(result.resource.key);
      outcomes.push({ ...result, check });
    }
  }
  return outcomes;
}
