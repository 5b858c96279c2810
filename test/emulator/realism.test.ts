import { describe, expect, it } from 'vitest';
import { demoScenarioPath, generateScenario, loadWorld } from '../../src/emulator/index.js';
import { api, startTestEmulator } from '../support/emulator.js';

const generated = generateScenario({ seed: 11, apps: 300 });
const worlds = { demo: await loadWorld({ file: demoScenarioPath }), generated: await loadWorld(generated.scenario) };
const emulator = await startTestEmulator({ scenario: generated.scenario });

describe.each(Object.entries(worlds))('the %s world is dated as Heroku would date it', (_name, world) => {
  it('has no membership older than its account', () => {
    for (const team of world.teams.values()) {
      for (const member of team.members)
        expect(Date.parse(member.createdAt), `${member.user.email} on ${team.name}`).toBeGreaterThanOrEqual(Date.parse(member.user.createdAt));
    }
  });

  it('numbers releases in the order they were made, never before the app', () => {
    for (const app of world.apps.values()) {
      const times = app.releases.map((r) => Date.parse(r.createdAt));
      expect(times, app.name).toEqual([...times].sort((a, b) => a - b));
      if (app.releases[0]) expect(times[0]!, app.name).toBeGreaterThanOrEqual(Date.parse(app.createdAt));
    }
  });

  it('gives apps created before 14 June 2023 their bare herokuapp.com name, and later ones an identifier', () => {
    const cutoff = Date.parse('2023-06-14T00:00:00Z');
    for (const app of world.apps.values()) {
      const host = new URL(app.webUrl).hostname;
      if (Date.parse(app.createdAt) < cutoff) expect(host, app.name).toBe(`${app.name}.herokuapp.com`);
      else expect(host, app.name).toMatch(new RegExp(`^${app.name}-[0-9a-f]{12}\\.herokuapp\\.com$`));
    }
  });
});

describe('the demo world', () => {
  it('has apps of both herokuapp.com eras', () => {
    const bare = [...worlds.demo.apps.values()].filter((app) => new URL(app.webUrl).hostname === `${app.name}.herokuapp.com`);
    expect(bare.length).toBeGreaterThan(0);
    expect(bare.length).toBeLessThan(worlds.demo.apps.size);
  });
});

describe('a generated world', () => {
  it('starts every app at its first release', () => {
    for (const app of worlds.generated.apps.values()) if (app.releases.length > 1) expect(app.releases[0]!.createdAt, app.name).toBe(app.createdAt);
  });

  it('serves dynos restarted within the last day, never before their release, and only current add-on plans', async () => {
    const now = Date.parse(generated.scenario.now!);
    const apps = [...worlds.generated.apps.values()].filter((app) => app.currentRelease && app.formation.length > 0).slice(0, 40);
    let restarted = 0;
    for (const app of apps) {
      const dynos = await api<{ created_at: string; updated_at: string }[]>(emulator, `/apps/${app.name}/dynos`, generated.tokens.global);
      for (const dyno of dynos.body) {
        const started = Date.parse(dyno.created_at);
        expect(started).toBeLessThanOrEqual(now);
        expect(started).toBeGreaterThanOrEqual(Math.max(now - 86_400_000, Date.parse(app.currentRelease!.createdAt)));
        if (started > Date.parse(app.currentRelease!.createdAt)) restarted++;
      }
    }
    expect(restarted).toBeGreaterThan(0);
    const plans = await api<{ name: string }[]>(emulator, '/addon-services/heroku-postgresql/plans', generated.tokens.global);
    expect(plans.body.map((p) => p.name.split(':')[1])).not.toEqual(expect.arrayContaining(['hobby-dev']));
    for (const retired of ['hobby-dev', 'mini', 'basic']) expect(plans.body.map((p) => p.name)).not.toContain(`heroku-postgresql:${retired}`);
  });
});
