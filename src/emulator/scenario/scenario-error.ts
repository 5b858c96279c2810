/** One thing wrong with a scenario, located by its JSON path (`$.apps[3].team`). */
export interface ScenarioProblem {
  path: string;
  message: string;
}

const SHOWN = 40;

/** A scenario that cannot be loaded; nothing of it is served. */
export class ScenarioError extends Error {
  readonly problems: ScenarioProblem[];

  constructor(source: string, problems: ScenarioProblem[]) {
    const lines = problems.slice(0, SHOWN).map((p) => `  ${p.path}: ${p.message}`);
    if (problems.length > SHOWN) lines.push(`  ...and ${problems.length - SHOWN} more`);
    super(`Scenario ${source} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

/** `$.apps[3].domains[0]` from the segments `apps, 3, domains, 0`. */
export function jsonPath(...segments: (string | number)[]): string {
  let path = '$';
  for (const segment of segments) {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_][\w]*$/.test(segment)) path += `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}
