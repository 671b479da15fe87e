/** How a failing webhook delivery is retried. */
export interface WebhookRetry {
  /** Wait after the first failed attempt; doubled after each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** From dispatch (or requeue) to the dead letter: no retry is scheduled later than this. */
  giveUpAfterMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetry = { baseDelayMs: 10_000, maxDelayMs: 3_600_000, giveUpAfterMs: 24 * 3_600_000 };

/**
 * Delay after `attempts` failed attempts: exponential, capped, with "equal
 * jitter" (half fixed, half random) so the deliveries of one receiver outage
 * do not all return in the same second. `random` is uniform in [0, 1].
 *
 * @example webhookRetryDelayMs(DEFAULT_WEBHOOK_RETRY, 1, 1) // 10_000
 * @example webhookRetryDelayMs(DEFAULT_WEBHOOK_RETRY, 3, 0) // 20_000 (half of 40_000)
 */
export function webhookRetryDelayMs(policy: WebhookRetry, attempts: number, random: number): number {
  const full = Math.min(policy.baseDelayMs * 2 ** Math.min(Math.max(0, attempts - 1), 30), policy.maxDelayMs);
  return Math.round(full / 2 + (full / 2) * Math.min(1, Math.max(0, random)));
}
