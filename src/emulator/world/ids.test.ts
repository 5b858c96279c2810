import { v5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { deriveId } from './ids.js';

describe('deriveId', () => {
  it('is a version 5 UUID, identical to the reference implementation', () => {
    for (const [kind, key] of [
      ['app', 'acme-api'],
      ['account', 'alice@acme.example'],
      ['release', 'acme-api/42'],
    ] as const) {
      expect(deriveId(kind, ...key.split('/'))).toBe(v5(`${kind}:${key}`, '4c1d5a7e-2f0b-5c55-9e0a-6b8d3f2a9c11'));
    }
  });

  it('differs by kind and by key', () => {
    expect(deriveId('app', 'x')).not.toBe(deriveId('team', 'x'));
    expect(deriveId('app', 'x')).not.toBe(deriveId('app', 'y'));
  });
});
