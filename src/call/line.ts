import type { FlowBundle } from '../flow/index.ts';
import { ClaveError } from '../shared/index.ts';
import type { CallChannel } from './channel.ts';
import { CallSession, type SessionDeps } from './session.ts';

export interface Line {
  /** Answers a call: picks the flow for the dialed number and starts it. Throws UNKNOWN_NUMBER. */
  startCall(args: { channel: CallChannel; from: string; to: string }): CallSession;
  /** Whether a flow answers this dialed number (a SIP UAS answers 404 otherwise). */
  knows(to: string): boolean;
  /** Calls in progress in this process. */
  readonly live: ReadonlyMap<string, CallSession>;
  /** Stops taking calls (startCall throws DRAINING), then waits for the calls in progress to end, at most `ms`. */
  drain(ms: number): Promise<void>;
}

/**
 * The line: every channel hands its calls here, whatever the transport.
 *
 * @example
 *   const line = createLine(deps);
 *   const call = line.startCall({ channel, from: '+34600111222', to: '950183313' });
 *   await call.ended; // { outcome: 'ebanking_user_recovered', language: 'es' }
 */
export function createLine(deps: SessionDeps): Line {
  const live = new Map<string, CallSession>();
  let draining = false;
  return {
    live,
    knows: (to) => flowFor(deps.bundle, to, deps.defaultCountryCode ?? '34') !== undefined,
    startCall({ channel, from, to }) {
      if (draining) throw new ClaveError('DRAINING', 'the line is stopping and takes no new calls');
      const flowId = flowFor(deps.bundle, to, deps.defaultCountryCode ?? '34');
      if (!flowId) throw new ClaveError('UNKNOWN_NUMBER', `no flow answers the number ${to}`, { to });
      const session = new CallSession(deps, channel, { flowId, from, to: digitsOf(to) });
      live.set(session.callId, session);
      void session.ended.then(() => live.delete(session.callId));
      return session;
    },
    async drain(ms) {
      draining = true;
      const all = Promise.all([...live.values()].map((s) => s.ended));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([all, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
      clearTimeout(timer);
    },
  };
}

function digitsOf(number: string): string {
  return number.replace(/[^0-9]/g, '');
}

/** Finds the flow for a dialed number, with or without the country code. */
export function flowFor(bundle: FlowBundle, dialed: string, countryCode: string): string | undefined {
  let digits = digitsOf(dialed);
  const direct = bundle.numbers.get(digits);
  if (direct) return direct;
  if (digits.startsWith('00')) digits = digits.slice(2);
  if (digits.startsWith(countryCode)) return bundle.numbers.get(digits.slice(countryCode.length));
  return undefined;
}
