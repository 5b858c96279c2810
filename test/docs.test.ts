import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadWorld, type FaultOptions } from '../src/emulator/index.js';
import { parseFaults } from '../src/cli/commands/emulator.js';

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
});
