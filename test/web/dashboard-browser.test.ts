import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConnection } from '../../src/service/connections.js';
import { monitoredApps } from '../../src/service/monitored-apps.js';
import { syncRuns } from '../../src/service/history.js';
import { startServer, type Server } from '../../src/web/server.js';
import { startTestEmulator } from '../support/emulator.js';
import { openTestHerowatch, type TestHerowatch } from '../support/herowatch.js';
import { DEMO_TOKEN, hostileDemoWorld } from '../support/dashboard.js';

/**
 * The dashboard in a real browser (Debian's Chromium driven by Playwright):
 * the flows a user walks, from the first admin to the disconnect, each page
 * screenshotted (HEROWATCH_SCREENSHOTS names the folder) and checked by axe.
 * Skipped when there is no Chromium, unless HEROWATCH_TEST_CHROMIUM names
 * one (.ci/run does), which must then work.
 */
const chromiumPath = process.env.HEROWATCH_TEST_CHROMIUM || ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const SHOTS = process.env.HEROWATCH_SCREENSHOTS ?? join(tmpdir(), 'herowatch-screenshots');
/** Another token of the same Heroku account (its "API Key"): editing the connection's credentials swaps to it. */
const SAME_ACCOUNT_TOKEN = 'HRKU-77c0e610-ea1f-8101-f4ba-cc89a056daf1';
const REVOKED_TOKEN = 'HRKU-00000000-0000-4000-8000-000000000000';

let hw: TestHerowatch;
let server: Server;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];
const consoleErrors: string[] = [];

async function look(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(
    violations.map(
      (v) =>
        `${v.id}: ${v.help} (${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')})`,
    ),
    `axe on ${name}`,
  ).toEqual([]);
}

describe.skipIf(!chromiumPath)('the dashboard in a browser', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const emulator = await startTestEmulator({ scenario: await hostileDemoWorld() });
    hw = await openTestHerowatch('sqlite', emulator.url, 'file');
    server = await startServer(hw, { host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      // A form sent back with what is wrong answers 400, which the browser logs; anything else is an error of the page.
      if (message.type() === 'error' && !message.text().includes('status of 400')) consoleErrors.push(message.text());
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('walks from the first admin to a disconnect', async () => {
    // First admin, through the one-time link the server printed.
    expect(server.setupUrl).toMatch(/\/setup\?token=/);
    await page.goto(server.setupUrl!);
    await look('setup');
    await page.getByLabel('Email').fill('ana@example.com');
    await page.getByLabel(/^Password/).fill('short');
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    // The browser's own check stops a short password; the server's says it too when forced.
    expect(page.url()).toContain('/setup');
    await page.getByLabel(/^Password/).fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await page.waitForURL(/\/integrations$/);
    await look('integrations-empty');
    // The setup link works once.
    const again = await page.request.get(server.setupUrl!);
    expect(again.status()).toBe(410);

    // A revoked key: the test says why, the form keeps what was typed, and connecting stores nothing.
    await page.getByLabel('Connection name').fill('acme');
    await page.getByLabel('Heroku API key or authorization token').fill(REVOKED_TOKEN);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => page.locator('#status-box').innerText()).toMatch(/failing/);
    expect(await page.locator('#status-box').innerText()).toMatch(/nothing was stored/i);
    expect(await page.getByLabel('Heroku API key or authorization token').inputValue()).toBe(REVOKED_TOKEN);
    expect(await page.getByLabel('Connection name').inputValue()).toBe('acme');
    await look('integrations-revoked-key');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => page.locator('main').innerText()).toMatch(/Heroku did not accept this token\. Nothing was stored\./);
    expect(await findConnection(hw.store, 'acme')).toBeUndefined();
    // What was typed is kept, except the token (never sent back into a page).
    expect(await page.getByLabel('Connection name').inputValue()).toBe('acme');
    expect(await page.content()).not.toContain(REVOKED_TOKEN);

    // A good key: connected.
    await page.getByLabel('Heroku API key or authorization token').fill(DEMO_TOKEN);
    await page.getByLabel(/^Enterprise account/).fill('acme');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.waitForURL(/\/integrations\/acme\?connected=1$/);
    expect(await page.locator('main').innerText()).toMatch(/Connected: the token works and is stored encrypted/);
    expect(await page.locator('main').innerText()).toContain('ending in …0480');
    expect(await page.content()).not.toContain(DEMO_TOKEN);
    await look('integration');

    // Edit the credentials: another token of the same account replaces it.
    await page.getByLabel('New Heroku API key or authorization token').fill(SAME_ACCOUNT_TOKEN);
    await page.getByRole('button', { name: 'Replace token' }).click();
    await page.waitForURL(/\/integrations\/acme\?updated=1$/);
    expect(await page.locator('main').innerText()).toContain('ending in …daf1');

    // Sync now, with live progress.
    await page.goto(`${server.url}/runs`);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.waitForURL(/\/runs\/live\?connection=acme$/);
    await expect.poll(() => page.locator('[data-state]').innerText(), { timeout: 60_000 }).toMatch(/Sync \d+ complete/);
    expect(await page.locator('[data-log] li').count()).toBeGreaterThan(0);
    await look('run-live');
    const [run] = await syncRuns(hw, { connection: 'acme', limit: 1 });
    expect(run!.status).toBe('complete');

    // Pages a user reads, each checked.
    for (const [path, name] of [
      ['/', 'overview'],
      ['/apps', 'apps'],
      ['/apps/acme/acme-api', 'app'],
      ['/findings', 'findings'],
      ['/compliance', 'compliance'],
      ['/compliance/soc2', 'framework'],
      ['/vulnerabilities', 'vulnerabilities'],
      ['/audit', 'audit'],
      ['/datasets', 'datasets'],
      ['/datasets/apps', 'dataset'],
      ['/runs', 'runs'],
      ['/settings', 'settings'],
    ] as const) {
      const response = await page.goto(`${server.url}${path}`);
      expect(response!.status(), path).toBe(200);
      await look(name);
    }

    // Add projects: tick an app, save.
    await page.goto(`${server.url}/apps/add`);
    await page.getByRole('checkbox', { name: 'acme-api acme-platform', exact: true }).check();
    await page.getByRole('button', { name: 'Save monitored apps' }).click();
    await expect.poll(() => page.locator('main').innerText()).toMatch(/Saved: 1 app added, 0 removed/);
    await look('add-projects');
    expect((await monitoredApps(hw, 'acme')).filter((a) => a.active).map((a) => a.app_name)).toEqual(['acme-api']);

    // Suppress a finding.
    await page.goto(`${server.url}/findings?severity=high`);
    await page.locator('main table a').first().click();
    await page.getByLabel(/^Reason/).fill('Accepted by the security team until the migration');
    await page.getByLabel('Until').fill(new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10));
    await page.getByRole('button', { name: 'Suppress' }).click();
    await expect.poll(() => page.locator('main').innerText()).toMatch(/Suppressed: it is shown as such/);
    await look('finding');

    // Downloads: a dataset, the filtered findings as CSV.
    await page.goto(`${server.url}/datasets/apps`);
    const dataset = await download(page, () => page.getByRole('link', { name: 'CSV' }).click());
    expect(dataset.name).toBe('apps.csv');
    expect(dataset.text.split('\n')[0]).toMatch(/^connection,id,name,/);
    expect(dataset.text).toContain('acme-api');
    await page.goto(`${server.url}/findings?severity=critical`);
    const findings = await download(page, () => page.getByRole('link', { name: 'CSV' }).click());
    const rows = findings.text.trim().split('\n');
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.slice(1).every((r) => r.includes('critical'))).toBe(true);

    // Evidence: generate, download, verify.
    await page.goto(`${server.url}/compliance`);
    await page.getByRole('button', { name: 'Generate evidence' }).click();
    await expect.poll(() => page.locator('main').innerText(), { timeout: 60_000 }).toMatch(/Generated herowatch-evidence-/);
    const bundle = await download(page, () => page.locator('#evidence table a').first().click());
    expect(bundle.name).toMatch(/^herowatch-evidence-.*\.zip$/);
    expect(bundle.bytes.subarray(0, 2).toString()).toBe('PK');
    await page
      .locator('#evidence table')
      .getByRole('button', { name: /^Verify/ })
      .first()
      .click();
    await expect.poll(() => page.locator('main').innerText()).toMatch(/Verified: \d+ files unchanged/);
    await look('verification');

    // Disconnect: the red box asks for the name; the apps are deactivated and the history kept.
    await page.goto(`${server.url}/integrations/acme`);
    await page.getByRole('button', { name: 'Disconnect acme' }).click();
    expect(page.url()).toMatch(/\/integrations\/acme$/); // the confirmation is required
    await page.getByLabel(/^Type acme to confirm/).fill('acme');
    await page.getByRole('button', { name: 'Disconnect acme' }).click();
    await page.waitForURL(/disconnected=1$/);
    expect(await page.locator('main').innerText()).toMatch(/Disconnected: the token was deleted/);
    await look('integration-disconnected');
    expect((await findConnection(hw.store, 'acme'))!.state).toBe('disabled');
    expect((await monitoredApps(hw, 'acme')).every((a) => !a.active)).toBe(true);
    expect((await syncRuns(hw, { connection: 'acme', limit: 10 })).length).toBeGreaterThanOrEqual(1);

    // Nothing planted in the world ran, and no page had a script error (the content security policy included).
    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, 240_000);

  it("follows the system's dark theme and keeps it accessible", async () => {
    const context = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 900 } });
    const dark = await context.newPage();
    await dark.goto(`${server.url}/login`);
    const background = await dark.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(13, 17, 23)');
    const { violations } = await new AxeBuilder({ page: dark }).analyze();
    expect(violations.map((v) => v.id)).toEqual([]);
    await dark.screenshot({ path: join(SHOTS, 'login-dark.png') });
    await context.close();
  });
});

async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await file.path();
  const bytes = readFileSync(path);
  return { name: file.suggestedFilename(), text: bytes.toString('utf8'), bytes };
}
