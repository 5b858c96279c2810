import { describe, expect, it } from 'vitest';
import type { SyncProgress } from '../inventory/sync.js';
import { syncSeconds } from '../inventory/estimate.js';
import { estimateText, progressJson, progressLine, progressLog, rateLimitWaitText } from './progress.js';

describe('progress as JSON lines', () => {
  it('keeps every event but intermediate steps, which come at most every 250 ms, and always the start and end of a phase', () => {
    let clock = 0;
    const lines: SyncProgress[] = [];
    const progress = progressJson((event) => lines.push(event), { now: () => clock });
    progress.update({ type: 'start', runId: 1, interrupted: [] });
    for (let done = 0; done <= 1000; done++) {
      clock += 1;
      progress.update({ type: 'progress', phase: 'apps', done, total: 1000 });
    }
    progress.update({ type: 'gap', resource: 'config_vars', parentKey: 'a', status: 'forbidden', reason: 'scope' });
    const steps = lines.filter((e) => e.type === 'progress').map((e) => (e.type === 'progress' ? e.done : -1));
    expect(steps).toEqual([0, 250, 500, 750, 1000]);
    expect(lines.map((e) => e.type)).toEqual(['start', 'progress', 'progress', 'progress', 'progress', 'progress', 'gap']);
  });
});

describe('progress on a terminal', () => {
  const terminal = () => {
    let written = '';
    const stream = { isTTY: true, write: (text: string) => ((written += text), true) } as unknown as NodeJS.WriteStream;
    return { stream, text: () => written, lines: () => written.replaceAll('\r\u001b[2K', '\n').split('\n').filter(Boolean) };
  };

  it('never stands still: a step that takes long ticks its time on the line', async () => {
    let clock = 0;
    const tty = terminal();
    const progress = progressLine(tty.stream, { tickMs: 5, now: () => clock });
    progress.update({ type: 'progress', phase: 'apps', done: 0, total: 1 });
    clock = 3000;
    await new Promise((resolve) => setTimeout(resolve, 30));
    progress.done();
    expect(tty.lines()).toContain('[........................] 0/1 apps (3s)');
  });

  it('prints the estimate on a line of its own above the bar, again only when it changes much', () => {
    const tty = terminal();
    const progress = progressLine(tty.stream);
    const estimate = {
      type: 'estimate',
      basis: 'account',
      requests: 10_000,
      apps: 2500,
      available: 4500,
      reserve: 450,
      refillPerMinute: 75,
      ...syncSeconds(10_000, { available: 4500, reserve: 450, refillPerMinute: 75 }, 16, 200),
    } as const;
    progress.update({ type: 'progress', phase: 'apps', done: 0, total: 1 });
    progress.update(estimate);
    progress.update({ ...estimate, requests: 10_050, seconds: estimate.seconds + 20 });
    progress.done();
    expect(tty.text()).toContain(
      '\r\u001b[2KEstimate: about 10,000 requests for 2,500 apps, about 79 min, most of it waiting for the rate limit (4,050 can be spent now above the reserve of 450, then 75 a minute).\n[........................] 0/1 apps',
    );
    expect(tty.text().match(/Estimate/g)).toHaveLength(1);
  });

  it('says what a rate-limit wait is waiting for and until when', () => {
    expect(rateLimitWaitText({ remaining: 449, reserve: 450, resumesInMs: 125_000 })).toBe(
      'waiting for the rate limit (449 left, reserve 450, resumes in about 2 min)',
    );
    expect(
      estimateText({
        type: 'estimate',
        basis: 'last-run',
        requests: 40,
        apps: null,
        available: null,
        reserve: 450,
        refillPerMinute: 75,
        seconds: 2,
        waitsForRateLimit: false,
      }),
    ).toBe('Estimate: about 40 requests (as many as the last run), a few seconds (the rate limit refills 75 a minute).');
  });
});

describe('progress in a log (no terminal)', () => {
  it('says each phase as it starts, and where the sync is every 30 s, never going quiet', async () => {
    let clock = 0;
    const lines: string[] = [];
    const progress = progressLog((line) => lines.push(line), { everyMs: 30, now: () => clock });
    progress.update({ type: 'start', runId: 7, interrupted: [] });
    progress.update({ type: 'progress', phase: 'apps', done: 0, total: 3 });
    for (let done = 1; done <= 3; done++) progress.update({ type: 'progress', phase: 'apps', done, total: 3 });
    progress.update({ type: 'progress', phase: 'domains', done: 0, total: 500 });
    progress.update({ type: 'progress', phase: 'domains', done: 12, total: 500 });
    clock = 45;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    progress.done();
    expect(lines[0]).toBe('Sync run 7 started.');
    expect(lines.slice(1, 3)).toEqual(['  apps: 0/3', '  domains: 0/500']);
    expect(lines.at(-1)).toMatch(/^ {2}domains: 12\/500 \(1s in this step\)$/);
  });
});
