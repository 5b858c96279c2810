import { describe, expect, it } from 'vitest';
import { netrcPassword } from './netrc.js';

describe('netrcPassword', () => {
  it.each([
    [
      'machine api.heroku.com\n  login a@b.example\n  password TOKEN1\nmachine git.heroku.com\n  login a@b.example\n  password TOKEN2\n',
      'api.heroku.com',
      'TOKEN1',
    ],
    ['machine git.heroku.com login x password G machine api.heroku.com login x password A', 'api.heroku.com', 'A'],
    // A default entry is a password for any host, never taken for a Heroku token.
    ['# comment\nmachine other.example password O\ndefault login x password D\n', 'api.heroku.com', null],
    ['default login x password D\nmachine api.heroku.com login a password A\n', 'api.heroku.com', 'A'],
    ['machine other.example password O\n', 'api.heroku.com', null],
    ['', 'api.heroku.com', null],
    ['machine 127.0.0.1 login a password LOCAL\n', '127.0.0.1', 'LOCAL'],
  ])('reads %j for %s', (text, host, expected) => {
    expect(netrcPassword(text, host)).toBe(expected);
  });
});
