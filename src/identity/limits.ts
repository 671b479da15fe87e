/** The per-customer limits on card verification (spec: "Who may use it"). */
export interface VerificationLimits {
  /** Failures within `failureWindowMs` that lock self-service. */
  maxFailures: number;
  failureWindowMs: number;
  /** How long a lock lasts. */
  lockMs: number;
  /** Every verification answer takes at least this long, whatever was wrong. */
  minAnswerMs: number;
  /**
   * A reservation still pending after this long was left by a crashed
   * process (or one whose bank call hangs) and counts as a failure.
   */
  pendingTtlMs: number;
}

const HOUR = 60 * 60 * 1000;

export const DEFAULT_LIMITS: Readonly<VerificationLimits> = {
  maxFailures: 5,
  failureWindowMs: 24 * HOUR,
  lockMs: 24 * HOUR,
  minAnswerMs: 1200,
  pendingTtlMs: 2 * 60 * 1000,
};
