import type { CallbackConfig, DeliveryResult } from './types.ts';

/** The outcome that delivers: the customer heard the key. */
export const DELIVERED_OUTCOME = 'signing_key_read';

/** Outcomes of an answered call-back that calling again cannot change. */
export const FINAL_OUTCOMES: ReadonlySet<string> = new Set([
  'operation_not_found', 'sim_swap_risk', 'self_service_suspended', 'contact_details_missing',
]);

/**
 * What ended a delivery: the dialer's result, or one of ours: `timed_out`
 * (the call outlived its lease and we hung it up) and `error` (the dialer
 * threw: a bug, counted as an attempt so that it cannot loop).
 */
export type DeliveryEnd = DeliveryResult | { kind: 'timed_out' } | { kind: 'error' };

/** The state a delivery's end leads to. `counted: false` gives the claimed attempt back. */
export interface Decision {
  status: 'done' | 'failed' | 'pending';
  counted: boolean;
  /** When pending: the next attempt's time (ms). */
  nextAttemptAt: number | null;
  lastResult: string;
}

export interface DecisionContext {
  /** The attempt that just ended, counted from 1. */
  attempt: number;
  now: number;
  expiresAt: number;
  config: Pick<CallbackConfig, 'maxAttempts' | 'retryAfterMs' | 'atCapacityRetryMs'>;
  /** Uniform in [0, 1): spreads the retries of one busy minute over a few seconds. */
  jitter: number;
}

/**
 * The result rules of the call-back queue (issue 6), as a pure function.
 *
 * @example
 *   decide({ kind: 'not_answered', reason: 'busy' }, { attempt: 1, now, expiresAt, config, jitter: 0 });
 *   // { status: 'pending', counted: true, nextAttemptAt: now + 60_000, lastResult: 'busy' }
 */
export function decide(end: DeliveryEnd, ctx: DecisionContext): Decision {
  switch (end.kind) {
    case 'answered':
      if (end.outcome === DELIVERED_OUTCOME) return final('done', end.outcome);
      if (FINAL_OUTCOMES.has(end.outcome)) return final('failed', end.outcome);
      return retry(end.outcome, ctx);
    case 'not_answered':
      switch (end.reason) {
        // The customer rejected the call, or there is no trunk to call through: asking again is a nuisance or useless.
        case 'declined':
        case 'not_configured':
          return final('failed', end.reason);
        // Our line was full or shutting down: nobody was called, so the attempt is given back.
        case 'at_capacity':
          return { status: 'pending', counted: false, nextAttemptAt: ctx.now + ctx.config.atCapacityRetryMs, lastResult: end.reason };
        case 'cancelled':
          return { status: 'pending', counted: false, nextAttemptAt: ctx.now, lastResult: end.reason };
        default:
          return retry(end.reason, ctx);
      }
    case 'timed_out':
    case 'error':
      return retry(end.kind === 'error' ? 'dialer_error' : 'timed_out', ctx);
  }
}

/**
 * Whether an end settles the request whatever interrupted the call: the key
 * was read, or calling again cannot help.
 *
 * @example endsForGood({ kind: 'not_answered', reason: 'declined' }) // true
 */
export function endsForGood(end: DeliveryEnd): boolean {
  if (end.kind === 'answered') return end.outcome === DELIVERED_OUTCOME || FINAL_OUTCOMES.has(end.outcome);
  return end.kind === 'not_answered' && (end.reason === 'declined' || end.reason === 'not_configured');
}

function final(status: 'done' | 'failed', lastResult: string): Decision {
  return { status, counted: true, nextAttemptAt: null, lastResult };
}

function retry(lastResult: string, ctx: DecisionContext): Decision {
  const { retryAfterMs, maxAttempts } = ctx.config;
  const next = ctx.now + retryAfterMs + Math.floor(retryAfterMs * 0.1 * Math.min(Math.max(ctx.jitter, 0), 1));
  // A retry that would fall after the expiry would never be dialled: fail now, with the reason.
  if (ctx.attempt >= maxAttempts || next >= ctx.expiresAt) return final('failed', lastResult);
  return { status: 'pending', counted: true, nextAttemptAt: next, lastResult };
}
