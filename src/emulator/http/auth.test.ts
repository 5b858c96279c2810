import { describe, expect, it } from 'vitest';
import { acceptsVersion3 } from './accept.js';
import { tokenFromHeader } from './auth.js';

describe('tokenFromHeader', () => {
  const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
  it.each([
    ['Bearer HRKU-1', 'HRKU-1'],
    ['bearer   HRKU-1', 'HRKU-1'],
    [basic(':HRKU-2'), 'HRKU-2'],
    [basic('someone@example.com:HRKU-3'), 'HRKU-3'],
    [basic('HRKU-4'), 'HRKU-4'],
    [undefined, null],
    ['', null],
    ['Bearer', null],
    ['Token HRKU-5', null],
  ])('%s -> %s', (header, token) => {
    expect(tokenFromHeader(header)).toBe(token);
  });
});

describe('acceptsVersion3', () => {
  it.each([
    ['application/vnd.heroku+json; version=3', true],
    ['application/vnd.heroku+json; version=3.sdk', true],
    ['application/vnd.heroku+json;version=3.team-invitations', true],
    ['application/json, application/vnd.heroku+json; version=3', true],
    ['APPLICATION/VND.HEROKU+JSON; Version=3', true],
    ['application/vnd.heroku+json', false],
    ['application/vnd.heroku+json; version=2', false],
    ['application/vnd.heroku+json; version=30', false],
    ['application/json', false],
    ['*/*', false],
    [undefined, false],
  ])('%s -> %s', (accept, ok) => {
    expect(acceptsVersion3(accept)).toBe(ok);
  });
});
