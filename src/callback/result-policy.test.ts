import { describe, expect, it } from 'vitest';
import { DEFAULT_CALLBACK_CONFIG } from './config.ts';
import { decide, endsForGood, type DecisionContext } from './result-policy.ts';

const NOW = Date.parse('2026-03-02T09:05:00Z');
const ctx = (over: Partial<DecisionContext> = {}): DecisionContext => ({
  attempt: 1, now: NOW, expiresAt: NOW + 10 * 60_000, config: DEFAULT_CALLBACK_CONFIG, jitter: 0, ...over,
});

describe('call-back result rules', () => {
  it('a key read is done; a final outcome fails at once', () => {
    expect(decide({ kind: 'answered', callId: 'c1', outcome: 'signing_key_read' }, ctx()))
      .toEqual({ status: 'done', counted: true, nextAttemptAt: null, lastResult: 'signing_key_read' });
    for (const outcome of ['operation_not_found', 'sim_swap_risk', 'self_service_suspended', 'contact_details_missing']) {
      expect(decide({ kind: 'answered', callId: 'c1', outcome }, ctx())).toEqual({ status: 'failed', counted: true, nextAttemptAt: null, lastResult: outcome });
    }
  });

  it('declined and not_configured fail at once, even on the first attempt', () => {
    for (const reason of ['declined', 'not_configured'] as const) {
      expect(decide({ kind: 'not_answered', reason }, ctx())).toEqual({ status: 'failed', counted: true, nextAttemptAt: null, lastResult: reason });
    }
  });

  it('other answers and unanswered calls retry after retryAfterMs plus under 10 % jitter', () => {
    expect(decide({ kind: 'answered', callId: 'c1', outcome: 'no_input' }, ctx())).toEqual({ status: 'pending', counted: true, nextAttemptAt: NOW + 60_000, lastResult: 'no_input' });
    expect(decide({ kind: 'not_answered', reason: 'busy' }, ctx({ jitter: 0.5 })).nextAttemptAt).toBe(NOW + 63_000);
    expect(decide({ kind: 'not_answered', reason: 'no_media' }, ctx({ jitter: 0.999999 })).nextAttemptAt).toBe(NOW + 65_999);
    expect(decide({ kind: 'timed_out' }, ctx()).lastResult).toBe('timed_out');
    expect(decide({ kind: 'error' }, ctx()).lastResult).toBe('dialer_error');
  });

  it('the last attempt, or a retry that would fall after the expiry, fails with the reason', () => {
    expect(decide({ kind: 'not_answered', reason: 'no_answer' }, ctx({ attempt: 3 }))).toEqual({ status: 'failed', counted: true, nextAttemptAt: null, lastResult: 'no_answer' });
    expect(decide({ kind: 'not_answered', reason: 'busy' }, ctx({ expiresAt: NOW + 60_000 })).status).toBe('failed');
    expect(decide({ kind: 'not_answered', reason: 'busy' }, ctx({ expiresAt: NOW + 60_001 })).status).toBe('pending');
  });

  it('at_capacity and cancelled give the attempt back', () => {
    expect(decide({ kind: 'not_answered', reason: 'at_capacity' }, ctx({ attempt: 3 })))
      .toEqual({ status: 'pending', counted: false, nextAttemptAt: NOW + 10_000, lastResult: 'at_capacity' });
    expect(decide({ kind: 'not_answered', reason: 'cancelled' }, ctx({ attempt: 3 })))
      .toEqual({ status: 'pending', counted: false, nextAttemptAt: NOW, lastResult: 'cancelled' });
  });

  it('endsForGood: what a shutdown cannot undo', () => {
    expect(endsForGood({ kind: 'answered', callId: 'c1', outcome: 'signing_key_read' })).toBe(true);
    expect(endsForGood({ kind: 'answered', callId: 'c1', outcome: 'sim_swap_risk' })).toBe(true);
    expect(endsForGood({ kind: 'not_answered', reason: 'declined' })).toBe(true);
    expect(endsForGood({ kind: 'answered', callId: 'c1', outcome: 'no_input' })).toBe(false);
    expect(endsForGood({ kind: 'not_answered', reason: 'busy' })).toBe(false);
    expect(endsForGood({ kind: 'timed_out' })).toBe(false);
  });
});
