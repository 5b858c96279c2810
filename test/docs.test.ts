import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadWorld, type FaultOptions } from '../src/emulator/index.js';
import { parseFaults } from '../src/cli/commands/emulator.js';
import { CAPABILITIES, DIAGNOSIS_CODES, disabledStatus } from '../src/connections/status.js';
import { parse as parseYaml } from 'yaml';
import { validateScenario } from '../src/emulator/index.js';
import { webhookBody } from '../src/notify/webhook.js';
import { DEFAULT_SETTINGS, parseSettings, settingsSchema } from '../src/settings.js';
import { ERROR_CODES, TRANSPORT } from '../src/errors.js';
import { readdir } from 'node:fs/promises';

const doc = (name: string) => readFile(new URL(`../docs/${name}`, import.meta.url), 'utf8');
const jsonBlocks = (text: string) => [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as unknown);

describe('examples in the docs', () => {
  it('docs/errors.md gives every error code with its kind and meaning, and every kind with its exit code, HTTP status and JSON-RPC code', async () => {
    const text = await doc('errors.md');
    const codes = [...text.matchAll(/^\| `(HW_[A-Z_]+)` \| ([a-z_]+) \| (.+) \|$/gm)].map((m) => [m[1], { kind: m[2], means: m[3] }]);
    expect(Object.fromEntries(codes)).toEqual(ERROR_CODES);
    const kinds = [...text.matchAll(/^\| `([a-z_]+)` \| (\d+) \| (\d+) \| (-\d+) \|$/gm)].map((m) => [
      m[1],
      { exit: Number(m[2]), http: Number(m[3]), jsonRpc: Number(m[4]) },
    ]);
    expect(Object.fromEntries(kinds)).toEqual(TRANSPORT);
  });

  it('every error code of the catalog is raised somewhere (none is kept for nothing)', async () => {
    const root = new URL('../src/', import.meta.url);
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    // The catalog itself does not count: only what raises a code (the classes of errors.ts included).
    const text = (await Promise.all(files.map((f) => readFile(new URL(f, root), 'utf8'))))
      .join('\n')
      .replace(/export const ERROR_CODES = \{[\s\S]*?\n\} as const/, '');
    const unused = Object.keys(ERROR_CODES).filter((code) => !text.includes(`'${code}'`));
    expect(unused).toEqual([]);
  });

  it('the scenario-format example is a valid scenario', async () => {
    const [example] = jsonBlocks(await doc('scenario-format.md'));
    const world = await loadWorld(example as never);
    expect(world.apps.find('acme-api')!.attachments.map((a) => a.name)).toEqual(['DATABASE']);
    // The changes example is a valid changes section of that scenario.
    const [changes] = [...(await doc('scenario-format.md')).matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parseYaml(m[1]!) as { changes: unknown });
    expect(() => validateScenario({ ...(example as object), changes: changes!.changes })).not.toThrow();
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

  it('the settings example is valid, and every setting and its default is documented', async () => {
    const text = await doc('settings.md');
    const [example] = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parseYaml(m[1]!) as unknown);
    const settings = parseSettings(example, 'docs/settings.md');
    expect(settings.schedule.inventory_every).toBe(12 * 3_600_000);
    expect(settings.sync).toEqual({ budget: 0.1, max_staleness: 3 * 86_400_000, incremental: true, unreachable_after: 120_000 });
    expect(settings.notifications.webhook).toMatchObject({ format: 'slack', secret_env: 'HEROWATCH_WEBHOOK_SECRET' });
    const documented = new Set([...text.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]));
    const keys = [
      ...Object.keys(settingsSchema.shape.compliance.unwrap().shape),
      ...Object.keys(settingsSchema.shape.schedule.unwrap().shape),
      ...Object.keys(settingsSchema.shape.sync.unwrap().shape),
      ...Object.keys(settingsSchema.shape.vulnerabilities.unwrap().shape),
      'url',
      'format',
      'events',
      'retries',
      'secret_env',
    ];
    for (const key of keys) expect(documented.has(key), key).toBe(true);
    expect(text).toContain(`| \`team_max_admins\` | ${DEFAULT_SETTINGS.compliance.team_max_admins} |`);
    expect(text).toContain(`| \`token_max_age_days\` | ${DEFAULT_SETTINGS.compliance.token_max_age_days} |`);
    // The webhook body shown is the shape webhookBody makes.
    const [body] = jsonBlocks(text) as Record<string, unknown>[];
    const made = webhookBody('json', {
      connection: 'prod',
      evaluatedAt: 'x',
      changes: [{ event: 'opened', findingId: 1, checkId: 'c', severity: 'high', resourceKey: 'k', resourceName: 'n', message: 'm' }],
    }) as Record<string, unknown>;
    expect(Object.keys(body!).sort()).toEqual(Object.keys(made).sort());
    expect(Object.keys((body!.changes as object[])[0]!).sort()).toEqual(Object.keys((made.changes as object[])[0]!).sort());
    const withVulnerability = webhookBody('json', {
      connection: 'prod',
      evaluatedAt: 'x',
      changes: [],
      vulnerabilities: [{ event: 'opened', app: 'a', id: 'CVE-1', ecosystem: 'npm', package: 'qs', version: '1', severity: 'high', fixed: null }],
    }) as Record<string, unknown>;
    expect(Object.keys((body!.vulnerability_changes as object[])[0]!).sort()).toEqual(
      Object.keys((withVulnerability.vulnerability_changes as object[])[0]!).sort(),
    );
  });

  it('documents every environment variable the configuration reads', async () => {
    const text = await doc('settings.md');
    const config = await readFile(new URL('../src/config.ts', import.meta.url), 'utf8');
    const settings = await readFile(new URL('../src/settings.ts', import.meta.url), 'utf8');
    const read = new Set([...`${config}\n${settings}`.matchAll(/env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!));
    expect(read.size).toBeGreaterThan(5);
    const documented = new Set([...text.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!));
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
  });
});
