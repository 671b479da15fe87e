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
 * Delay before the next attempt, after `attempts` failed ones. No jitter: the
 * claim query already spreads concurrent workers, and tests stay exact.
 *
 * @example retryDelayMs(DEFAULT_RETRY, 1) // 30_000
 * @example retryDelayMs(DEFAULT_RETRY, 3) // 120_000
 */
export function retryDelayMs(policy: RetryPolicy, attempts: number): number {
  const exp = Math.max(0, attempts - 1);
  return Math.min(policy.baseDelayMs * 2 ** Math.min(exp, 30), policy.maxDelayMs);
}
