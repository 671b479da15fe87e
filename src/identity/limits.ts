/** The per-customer limits on card verification (spec: "Who may use it"). */
export interface VerificationLimits {
  /** Failures within `failureWindowMs` that lock self-service. */
  maxFailures: number;
  /** The stricter count while the line's security mode is heightened or lockdown (issue 6). */
  heightenedMaxFailures: number;
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
  heightenedMaxFailures: 3,
  failureWindowMs: 24 * HOUR,
  lockMs: 24 * HOUR,
  minAnswerMs: 1200,
  pendingTtlMs: 2 * 60 * 1000,
};

/**
 * The limits as the security mode makes them: outside normal, the lower of
 * maxFailures and heightenedMaxFailures counts. Read on every check (a
 * getter), so a mode switched mid-day applies to the next verification.
 *
 * @example
 *   const limits = limitsUnder(DEFAULT_LIMITS, { current: () => ({ mode: 'heightened' }) });
 *   limits.maxFailures; // 3
 */
export function limitsUnder(limits: VerificationLimits, securityMode: { current(): { mode: string } }): VerificationLimits {
  return {
    ...limits,
    get maxFailures() {
      return securityMode.current().mode === 'normal' ? limits.maxFailures : Math.min(limits.maxFailures, limits.heightenedMaxFailures);
    },
  };
}
