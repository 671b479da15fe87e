/** How often and how long a failing delivery is retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included; then the message is `failed`. */
  maxAttempts: number;
  /** Wait after the first failed attempt; doubled after each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 15 * 60_000 };

/**
 * Delay before the next attempt, after `attempts` failed ones: exponential,
 * capped, with "equal jitter" (half fixed, half random) so the messages of
 * one provider outage do not all come back in the same second. `random` is
 * uniform in [0, 1]; 1 gives the full delay.
 *
 * @example retryDelayMs(DEFAULT_RETRY, 1, 1) // 30_000
 * @example retryDelayMs(DEFAULT_RETRY, 3, 0) // 60_000 (half of 120_000)
 */
export function retryDelayMs(policy: RetryPolicy, attempts: number, random = 1): number {
  const exp = Math.max(0, attempts - 1);
  const full = Math.min(policy.baseDelayMs * 2 ** Math.min(exp, 30), policy.maxDelayMs);
  return Math.round(full / 2 + (full / 2) * Math.min(1, Math.max(0, random)));
}
