import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadWorld, type FaultOptions } from '../src/emulator/index.js';
import { parseFaults } from '../src/cli/commands/emulator.js';
import { CAPABILITIES, DIAGNOSIS_CODES, disabledStatus } from '../src/connections/status.js';

const doc = (name: string) => readFile(new URL(`../docs/${name}`, import.meta.url), 'utf8');
const jsonBlocks = (text: string) => [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as unknown);

describe('examples in the docs', () => {
  it('the scenario-format example is a valid scenario', async () => {
    const [example] = jsonBlocks(await doc('scenario-format.md'));
    const world = await loadWorld(example as never);
    expect(world.apps.find('acme-api')!.attachments.map((a) => a.name)).toEqual(['DATABASE']);
  });

  it('the fault-injection example is accepted by --faults', async () => {
    const [example] = jsonBlocks(await doc('emulator.md'));
    expect(await parseFaults(JSON.stringify(example))).toEqual(example as FaultOptions);
  });

  it('the connection status example has the shape status --json prints, and every diagnosis is documented', async () => {
    const text = await doc('connections.md');
    const [example] = jsonBlocks(text) as Record<string, unknown>[];
    const real = disabledStatus('prod', 'https://api.heroku.com') as unknown as Record<string, unknown>;
    expect(Object.keys(example!).sort()).toEqual(Object.keys(real).sort());
    expect(Object.keys(example!.capabilities as object)).toEqual(CAPABILITIES);
    const documented = [...text.matchAll(/^\| `([a-z-]+)` \| (error|gap|warning|advice) \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...DIAGNOSIS_CODES].sort());
  });
});
