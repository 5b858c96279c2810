import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { ValidateFunction } from 'ajv-draft-04';
import { createPlatformAjv, type ErrorObject } from '../schema/ajv.js';
import { scenarioJsonSchema } from './scenario-schema.js';
import { jsonPath, ScenarioError, type ScenarioProblem } from './scenario-error.js';
import type { Scenario } from './types.js';

let validator: ValidateFunction | undefined;

function scenarioValidator(): ValidateFunction {
  // verbose: errors carry their schema, so an unknown key can suggest the known ones.
  validator ??= createPlatformAjv({ verbose: true }).compile(scenarioJsonSchema() as object);
  return validator;
}

/** Reads a scenario file (JSON, or YAML by its extension) and checks its shape. */
export async function readScenarioFile(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new ScenarioError(file, [{ path: '$', message: `cannot read the scenario file: ${reason}` }]);
  }
  return parseScenarioText(text, file);
}

export function parseScenarioText(text: string, source: string): Scenario {
  let data: unknown;
  const yaml = ['.yaml', '.yml'].includes(extname(source).toLowerCase());
  try {
    data = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    const where = error instanceof YAMLParseError ? ` (line ${error.linePos?.[0].line})` : '';
    throw new ScenarioError(source, [{ path: '$', message: `not valid ${yaml ? 'YAML' : 'JSON'}${where}: ${(error as Error).message}` }]);
  }
  return validateScenario(data, source);
}

/** Checks a scenario object against the scenario schema; throws ScenarioError with every problem found. */
export function validateScenario(data: unknown, source = 'scenario'): Scenario {
  const validate = scenarioValidator();
  if (validate(data)) return data as Scenario;
  throw new ScenarioError(source, describe(validate.errors ?? []));
}

function describe(errors: ErrorObject[]): ScenarioProblem[] {
  const problems = new Map<string, ScenarioProblem>();
  for (const error of errors) {
    const segments = error.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    let path = jsonPath(...segments);
    let message: string;
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = String((error.params as { additionalProperty: string }).additionalProperty);
        const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
        const hint = closest(key, known);
        path = jsonPath(...segments, key);
        message = `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
        break;
      }
      case 'required':
        message = `missing required key "${(error.params as { missingProperty: string }).missingProperty}"`;
        break;
      case 'enum':
        message = `must be one of ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}, not ${JSON.stringify(error.data)}`;
        break;
      case 'format':
        message = `${JSON.stringify(error.data)} is not a valid ${(error.params as { format: string }).format}${(error.params as { format: string }).format === 'date-time' ? ' (use ISO 8601 UTC, e.g. 2026-11-20T12:00:00Z)' : ''}`;
        break;
      case 'minProperties':
      case 'maxProperties':
        message = 'must have exactly one of its keys';
        break;
      default:
        message = `${error.message ?? error.keyword}${error.data !== undefined && typeof error.data !== 'object' ? ` (got ${JSON.stringify(error.data)})` : ''}`;
    }
    problems.set(`${path} ${message}`, { path, message });
  }
  return [...problems.values()];
}

/** The known key nearest to a misspelt one, if it is near enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
