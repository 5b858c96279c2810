import { describe, expect, it } from 'vitest';
import { changeCounts } from '../compliance/findings.js';
import { InputError } from '../errors.js';
import type { ConnectionRecord } from '../store/connections.js';
import { REASON_LENGTH, requireActive, requireSynced, riskAcceptance } from './policy.js';

const now = new Date('2026-06-01T12:00:00Z');
const inDays = (days: number): Date => new Date(now.getTime() + days * 86_400_000);
const refusal = (run: () => unknown): InputError => {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('not refused');
};

describe('the rules every door shares', () => {
  it('hold an accepted risk to a reason an auditor can read, who decided, and an expiry within a year', () => {
    const ok = riskAcceptance('suppression', { reason: '  contractor until the migration ends ', by: ' ciso ', expiresAt: inDays(30) }, now);
    expect(ok).toEqual({ reason: 'contractor until the migration ends', by: 'ciso' });
    // The bounds, spaces around the reason not counted: the stricter rule of the REST API, now everywhere.
    expect(riskAcceptance('ignore', { reason: 'x'.repeat(REASON_LENGTH.min), by: 'a', expiresAt: inDays(1) }, now).reason).toHaveLength(10);
    expect(riskAcceptance('ignore', { reason: 'x'.repeat(REASON_LENGTH.max), by: 'a', expiresAt: inDays(1) }, now).reason).toHaveLength(500);
    for (const reason of ['', '   ', 'accepted', `  ${'x'.repeat(9)}  `, 'x'.repeat(501)]) {
      const error = refusal(() => riskAcceptance('suppression', { reason, by: 'ciso', expiresAt: inDays(30) }, now));
      expect(error.code, JSON.stringify(reason)).toBe('HW_RISK_ACCEPTANCE_INVALID');
      expect(error.remedy).toEqual({ do: 'give', input: 'reason' });
      expect(error.message).toMatch(/^A suppression needs a reason an auditor can read, of 10 to 500 characters/);
    }
    expect(refusal(() => riskAcceptance('ignore', { reason: 'accepted for now', by: ' ', expiresAt: inDays(30) }, now)).remedy).toEqual({
      do: 'give',
      input: 'decider',
    });
    expect(refusal(() => riskAcceptance('ignore', { reason: 'accepted for now', by: 'a', expiresAt: now }, now)).message).toMatch(/not in the future/);
    expect(refusal(() => riskAcceptance('ignore', { reason: 'accepted for now', by: 'a', expiresAt: inDays(366) }, now)).message).toMatch(
      /^An ignore lasts at most a year \(until 2027-06-01\)/,
    );
    // No message speaks a door's language: the fix is the remedy, which each door words.
    for (const message of [refusal(() => riskAcceptance('ignore', { reason: 'no', by: 'a', expiresAt: inDays(1) }, now)).message]) {
      expect(message).not.toMatch(/--|herowatch /);
    }
  });

  it('use a connection only as it stands: not when disconnected, and read it only once synced', () => {
    const connection = { name: 'acme', state: 'active', last_complete_run: 4 } as ConnectionRecord;
    expect(requireActive(connection)).toBe(connection);
    expect(requireSynced(connection).last_complete_run).toBe(4);
    const disconnected = refusal(() => requireActive({ ...connection, state: 'disabled' }));
    expect([disconnected.code, disconnected.kind, disconnected.remedy]).toEqual([
      'HW_CONNECTION_DISCONNECTED',
      'input',
      { do: 'reconnect', connection: 'acme' },
    ]);
    const unsynced = refusal(() => requireSynced({ ...connection, last_complete_run: null }));
    expect([unsynced.code, unsynced.remedy]).toEqual(['HW_CONNECTION_NOT_SYNCED', { do: 'sync', connection: 'acme' }]);
  });

  it('count changes one way: opened and reopened against resolved', () => {
    expect(changeCounts([{ event: 'opened' }, { event: 'reopened' }, { event: 'resolved' }, { event: 'opened' }])).toEqual({ opened: 3, resolved: 1 });
    expect(changeCounts([])).toEqual({ opened: 0, resolved: 0 });
  });
});
