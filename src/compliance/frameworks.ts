import { HerowatchError, type ErrorOptions } from '../errors.js';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CHECKS } from './registry.js';

// Framework files ship with the package; this module sits at the same depth in src/ and dist/.
export const frameworksRoot = fileURLToPath(new URL('../../frameworks/', import.meta.url));

const frameworkSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string(),
    version: z.string(),
    /** How the standard is cited in exported findings (OCSF compliance.standards), e.g. `ISO/IEC 27001:2022`. */
    standard: z.string(),
    description: z.string(),
    controls: z.array(z.object({ id: z.string(), title: z.string(), checks: z.array(z.string()) }).strict()).min(1),
  })
  .strict();

export type Framework = z.infer<typeof frameworkSchema>;

/** A framework file that does not parse, or names a check that does not exist. */
export class FrameworkError extends HerowatchError {
  constructor(message: string, options?: ErrorOptions) {
    super('HW_FRAMEWORK_INVALID', message, options);
  }
}

export function parseFramework(value: unknown, where: string, checkIds = new Set(CHECKS.map((c) => c.id))): Framework {
  const parsed = frameworkSchema.safeParse(value);
  if (!parsed.success) throw new FrameworkError(`${where}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  for (const control of parsed.data.controls) {
    for (const id of control.checks) {
      if (!checkIds.has(id)) throw new FrameworkError(`${where}: control ${control.id} lists "${id}", which is not a check.`);
    }
  }
  return parsed.data;
}

let loaded: Framework[] | null = null;

/** Every framework file in frameworks/, checked against the catalog. */
export function frameworks(): Framework[] {
  loaded ??= readdirSync(frameworksRoot)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => parseFramework(JSON.parse(readFileSync(`${frameworksRoot}${file}`, 'utf8')), `frameworks/${file}`));
  return loaded;
}

export function frameworkNamed(id: string): Framework | undefined {
  const wanted = id.toLowerCase().replace(/[^a-z0-9]/g, '');
  return frameworks().find((f) => f.id.replace(/-/g, '') === wanted || f.id === id);
}

/** Per check id, the controls that cite it: `SOC 2 CC6.1`, ... */
export function mappingsByCheck(): Map<string, { framework: string; control: string }[]> {
  const map = new Map<string, { framework: string; control: string }[]>();
  for (const framework of frameworks()) {
    for (const control of framework.controls) {
      for (const id of control.checks) map.set(id, [...(map.get(id) ?? []), { framework: framework.id, control: control.id }]);
    }
  }
  return map;
}
