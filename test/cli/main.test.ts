import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, COMMAND_MODULES } from '../../src/cli/main.js';
import type { Output } from '../../src/cli/output.js';

const silent: Output = { out: () => {}, err: () => {}, json: () => {}, raw: () => {} };

describe('the command table', () => {
  it('names exactly the top-level commands each module registers', async () => {
    for (const module of COMMAND_MODULES) {
      const program = new Command();
      (await module.load())(program, { output: silent, setExitCode: () => {} });
      expect(program.commands.map((c) => c.name()).sort()).toEqual([...module.commands].sort());
    }
  });

  it('loads only the named command, and everything for help or an unknown word', async () => {
    const names = async (argv: string[]) => (await buildProgram(silent, undefined, undefined, ['node', 'herowatch', ...argv])).commands.map((c) => c.name());
    expect(await names(['sync', '--json'])).toEqual(['sync']);
    expect(await names(['vulns', 'show', 'api'])).toEqual(['vulns']);
    expect(await names(['sbom', 'import', 'bom.json', '--app', 'api'])).toEqual(['sbom']);
    const all = COMMAND_MODULES.flatMap((m) => m.commands);
    expect(await names(['--help'])).toEqual(all);
    expect(await names(['help', 'sync'])).toEqual(all);
    expect(await names(['snyc'])).toEqual(all);
    expect(await names(['--version'])).toEqual([]);
  });
});
