import { runSipp, type SippResult } from '../support/sipp.ts';
import { pressCaptures } from './dtmf-captures.ts';
import { callScenario, type CallScenarioOptions } from './scenario.ts';

export const UNLOCK_LINE = '950183313';

export interface SippCallOptions extends CallScenarioOptions {
  /** The line's SIP address, host:port. */
  target: string;
  caller: string;
  /** The dialed number (default the unlock line). */
  service?: string;
  transport?: 'u1' | 't1';
  /** Bound on the whole SIPp run. */
  timeoutS: number;
  traceMessages?: boolean;
}

/**
 * One whole call by SIPp: the scenario from `callScenario` and, for RFC 4733
 * keys, the captures it plays.
 *
 * @example
 *   const r = await sippCall({ target, caller: '+34600111222', keys: '2 1 1 1 12345678 4821 2580', mode: 'rfc4733', timeoutS: 60 });
 *   expect(r.code, r.stdout + r.errors).toBe(0);
 */
export function sippCall(opts: SippCallOptions): Promise<SippResult> {
  return runSipp({
    scenario: callScenario(opts),
    files: opts.mode === 'rfc4733' ? pressCaptures(opts.keys) : new Map(),
    target: opts.target,
    service: opts.service ?? UNLOCK_LINE,
    caller: opts.caller,
    timeoutS: opts.timeoutS,
    ...(opts.transport ? { transport: opts.transport } : {}),
    ...(opts.traceMessages ? { traceMessages: true } : {}),
  });
}
