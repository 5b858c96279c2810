import type { Severity } from '../severity.js';
import { frameworks, mappingsByCheck } from './frameworks.js';
import { INVENTORY_LISTS } from './inventory.js';
import { CHECKS } from './registry.js';

export interface CatalogEntry {
  id: string;
  title: string;
  severity: Severity;
  resource_type: string;
  risk: string;
  remediation: { text: string; command: string | null };
  references: string[];
  /** The inventory resources its results depend on. */
  reads: string[];
  frameworks: string[];
  /** The standards those controls belong to, as cited (`SOC 2`, `ISO/IEC 27001:2022`). */
  standards: string[];
  enabled: boolean;
}

/** The check catalog, with the framework controls citing each check; `disabled` are the checks the settings turn off. */
export function checkCatalog(disabled: readonly string[] = []): CatalogEntry[] {
  const mappings = mappingsByCheck();
  const byId = new Map(frameworks().map((f) => [f.id, f]));
  const off = new Set(disabled);
  return CHECKS.map((check) => ({
    id: check.id,
    title: check.title,
    severity: check.severity,
    resource_type: check.resourceType,
    risk: check.risk,
    remediation: check.remediation,
    references: check.references,
    reads: check.reads.map((list) => INVENTORY_LISTS[list]),
    frameworks: (mappings.get(check.id) ?? []).map((m) => `${byId.get(m.framework)!.name} ${m.control}`),
    standards: [...new Set((mappings.get(check.id) ?? []).map((m) => byId.get(m.framework)!.standard))],
    enabled: !off.has(check.id),
  }));
}
