import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { demoScenarioPath } from '../../src/emulator/index.js';
import { schemaLinks } from '../../src/emulator/schema/platform-schema.js';
import { ResponseValidator } from '../../src/emulator/schema/response-validator.js';
import { api, startTestEmulator } from '../support/emulator.js';

const emulator = await startTestEmulator({ scenario: { file: demoScenarioPath } });
/** Alice's API key: she owns the demo enterprise (every permission) and sits on every team. */
const TOKEN = 'HRKU-65d01b54-f55f-7dc9-d0f6-8b53639f152c';

/** Where paths start: the demo world's app with the most of everything (collaborators, certificates, drains, add-ons), its team, the enterprise, the viewer. */
const ROOTS: Record<string, string> = {
  app: 'pay-api',
  'team-app': 'pay-api',
  team: 'acme-payments',
  'enterprise-account': 'acme',
  account: '~',
  'user-preferences': '~',
};
/** Placeholders whose value no list under their own path gives. */
const ELSEWHERE: Record<string, { list: string; pick: (item: Record<string, unknown>) => unknown }> = {
  slug: { list: '/apps/pay-api/releases', pick: (release) => (release.slug as { id: string } | null)?.id },
  plan: { list: '/addon-services/heroku-postgresql/plans', pick: (plan) => plan.id },
  'pipeline-coupling': { list: '/pipeline-couplings', pick: (coupling) => coupling.stage },
};

async function firstOf(list: string, pick: (item: Record<string, unknown>) => unknown): Promise<unknown> {
  const response = await api<unknown>(emulator, list, TOKEN);
  const items = Array.isArray(response.body) ? (response.body as Record<string, unknown>[]) : [];
  return items.map(pick).find((value) => value !== undefined && value !== null);
}

/**
 * Fills each placeholder of a link from the world: a root by name, anything
 * else from the first item of the list its path leads to
 * (`/apps/pay-api/builds/{build}` takes the first of
 * `/apps/pay-api/builds`), or an id nothing has when that list is empty.
 */
async function fill(href: string): Promise<string> {
  let path = '';
  for (const part of href.split(/(\{\([^)]*\)\})/)) {
    const placeholder = /^\{\(([^)]*)\)\}$/.exec(part);
    if (!placeholder) {
      path += part;
      continue;
    }
    const [, definition, , property] = decodeURIComponent(placeholder[1]!).split('/').slice(1);
    const elsewhere = ELSEWHERE[definition!];
    const value =
      ROOTS[definition!] ??
      (elsewhere
        ? await firstOf(elsewhere.list, elsewhere.pick)
        : await firstOf(path.replace(/\/$/, ''), (item) => (property === 'identity' ? item.id : item[property!])));
    path += value === undefined ? randomUUID() : encodeURIComponent(String(value));
  }
  return path;
}

describe('every GET link of the official schema', () => {
  it('is served: a body the schema validates, or "not found" for what no world holds', async () => {
    const validator = new ResponseValidator();
    const links = schemaLinks().filter((entry) => entry.link.method === 'GET');
    const validated: string[] = [];
    const notFound: string[] = [];
    const wrong: string[] = [];
    for (const entry of links) {
      const path = await fill(entry.link.href);
      const response = await api<Record<string, unknown>>(emulator, path, TOKEN);
      if (response.status === 200 || response.status === 206) {
        const problems = validator.check('GET', path, response.status, response.body);
        if (problems.length === 0) validated.push(entry.template);
        else wrong.push(`${path}: ${problems.join('; ')}`);
      } else if (response.status === 404 && typeof response.body.resource === 'string') {
        notFound.push(`${entry.template} (${response.body.resource})`);
      } else {
        wrong.push(`${path}: ${response.status} ${response.text.slice(0, 200)}`);
      }
    }
    const served = validated.length + notFound.length;
    console.log(
      `GET links of the Platform API schema: ${links.length}; served ${served} (${((served / links.length) * 100).toFixed(0)}%): ` +
        `${validated.length} with a body the schema validates, ${notFound.length} "not found" for resources the demo world has none of:\n  ${notFound.join('\n  ')}`,
    );
    expect(wrong).toEqual([]);
    expect(served).toBe(links.length);
    expect(links).toHaveLength(166);
    // Most answer with data: only what no emulated world holds (spaces, webhooks, invoices, CI...) is missing.
    expect(validated.length).toBeGreaterThan(110);
  });
});
