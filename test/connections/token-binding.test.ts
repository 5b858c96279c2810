import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { listConnections } from '../../src/store/connections.js';
import { checkConnection } from '../../src/service/connection-status.js';
import { connect } from '../../src/service/connect.js';
import { ensureConnection } from '../../src/service/connections.js';
import { syncConnection } from '../../src/service/sync.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { openTestHerowatch } from '../support/herowatch.js';
import { edgeScenario, T } from '../support/scenarios.js';

describe('a token from the environment', () => {
  it('is sent only to the API it was given for', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch('sqlite', emulator.url);
    const elsewhere = 'http://127.0.0.1:9';

    // --api-url points at the emulator, but HEROKU_API_KEY was given for HEROKU_HOST's API.
    await expect(syncConnection(hw, { connection: 'default', token: T.admin, tokenApiUrl: elsewhere, apiUrl: emulator.url })).rejects.toThrow(
      /HEROKU_API_KEY is for http:\/\/127\.0\.0\.1:9 \(HEROKU_HOST\), but connection "default" is for http:\/\/127\.0\.0\.1:\d+; herowatch sends a token only to the API it was given for/,
    );
    // A connection pointing elsewhere does not get it either.
    await ensureConnection(hw.store, 'other', emulator.url);
    await expect(checkConnection(hw, 'other', { token: T.admin, tokenApiUrl: elsewhere })).rejects.toThrow(
      /HEROKU_API_KEY is for http:\/\/127\.0\.0\.1:9 and is sent nowhere else/,
    );
    expect(emulator.requests()).toHaveLength(0);

    // Given for the emulator, it goes there.
    const result = await syncConnection(hw, {
      connection: 'default',
      token: T.admin,
      tokenApiUrl: emulator.url,
      apiUrl: emulator.url,
      test: false,
      evaluate: false,
    });
    expect(result.status).toBe('complete');
  });
});

describe('connecting to something that is not Heroku', () => {
  it('is refused when /account answers 2xx without an account id, and nothing is stored', async () => {
    const server = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const hw = await openTestHerowatch('sqlite', url);
    await expect(connect(hw, { name: 'fake', token: T.admin, apiUrl: url })).rejects.toThrow(
      /answered GET \/account without an account id and email: it is not the Heroku Platform API/,
    );
    expect(await listConnections(hw.store)).toEqual([]);
  });
});
