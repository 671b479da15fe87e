import { isClaveError } from '../shared/index.ts';

/** How an attempt ended, as notify_attempts records it. */
export type AttemptOutcome =
  | 'accepted' | 'rejected' | 'throttled' | 'unavailable' | 'outcome_unknown' | 'timeout' | 'failed' | 'lease_lost' | 'circuit_open';

export interface FailedAttempt {
  outcome: Exclude<AttemptOutcome, 'accepted' | 'lease_lost'>;
  /** False when another attempt cannot help (the provider refused this message for good). */
  retryable: boolean;
  /** The provider asked for at least this wait (a Retry-After). */
  retryAfterMs: number | null;
}

/**
 * Reads a channel's error the way DeliveryChannel documents it.
 *
 * @example classifyFailure(new ClaveError('DELIVERY_REJECTED', 'invalid number')) // { outcome: 'rejected', retryable: false, retryAfterMs: null }
 */
export function classifyFailure(err: unknown): FailedAttempt {
  const retryAfter = isClaveError(err) && typeof err.details.retryAfterMs === 'number' ? err.details.retryAfterMs : null;
  if (isClaveError(err, 'DELIVERY_REJECTED')) return { outcome: 'rejected', retryable: false, retryAfterMs: null };
  if (isClaveError(err, 'DELIVERY_THROTTLED')) return { outcome: 'throttled', retryable: true, retryAfterMs: retryAfter };
  if (isClaveError(err, 'DELIVERY_OUTCOME_UNKNOWN')) return { outcome: 'outcome_unknown', retryable: true, retryAfterMs: retryAfter };
  if (isClaveError(err, 'DELIVERY_UNAVAILABLE')) {
    return { outcome: err.details.circuit === 'open' ? 'circuit_open' : 'unavailable', retryable: true, retryAfterMs: retryAfter };
  }
  if (isClaveError(err, 'TIMEOUT')) return { outcome: 'timeout', retryable: true, retryAfterMs: null };
  return { outcome: 'failed', retryable: true, retryAfterMs: null };
}
