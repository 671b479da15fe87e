import type { CallPreset, FlowBundle } from '../flow/index.ts';
import { ClaveError } from '../shared/index.ts';
import { AdmissionControl, type Admission, type AdmissionOptions, type AdmissionPeek, type AdmissionStats, type AdmissionTicket } from './admission.ts';
import { BriefCall } from './brief-call.ts';
import type { CallChannel, CallInput } from './channel.ts';
import { checkLineMessages } from './line-messages.ts';
import { RecordQueue } from './record-queue.ts';
import type { CallDirection } from './records.ts';
import type { RefusalLog } from './refusal-log.ts';
import { CallSession, type SessionDeps } from './session.ts';

export interface LineDeps extends SessionDeps {
  /** Capacity and what a caller beyond it gets; absent: every call is taken. */
  admission?: AdmissionOptions;
  /** Where callers refused at capacity are counted for the outage detector (they leave no call record). */
  refusals?: Pick<RefusalLog, 'note'>;
  /** Told of every call that ends, brief ones included (metrics). */
  onCallEnded?: (call: { outcome: string; direction: CallDirection }) => void;
}

const CAPACITY_LOG_EVERY_MS = 30_000;

/** A call in progress, whichever kind: the line can end it. */
export interface LiveCall extends CallInput {
  /** Ends the call from the line's side (shutdown after the grace period). */
  terminate(reason: string): void;
}

export interface Line {
  /**
   * Answers a call: picks the flow for the dialed number and starts it, or,
   * beyond capacity, the short refusal. Channels that answer in two steps
   * (SIP: the INVITE, then the ACK) take their place with admit() first and
   * hand it here. Throws UNKNOWN_NUMBER, DRAINING, or AT_CAPACITY (details.retryAfterSeconds).
   */
  startCall(args: { channel: CallChannel; from: string; to: string; admission?: AdmissionTicket }): LiveCall;
  /**
   * A call the line placed has been answered (the call-back): runs `flowId`
   * on it with what the call already knows, in the place admit() gave
   * before dialling. Throws DRAINING or UNKNOWN_FLOW.
   */
  startOutbound(args: { channel: CallChannel; flowId: string; from: string; to: string; preset: CallPreset; admission: AdmissionTicket }): LiveCall;
  /**
   * Takes a place for a call about to be answered (give it to startCall, or
   * release it if the call never starts). With the dialed number, a refusal
   * is counted for the outage detector.
   */
  admit(to?: string): Admission;
  /** What a new call would get now, without taking a place. */
  peek(): AdmissionPeek;
  /** Whether a flow answers this dialed number (a SIP UAS answers 404 otherwise). */
  knows(to: string): boolean;
  /** Calls in progress in this process. */
  readonly live: ReadonlyMap<string, LiveCall>;
  /** Places taken and callers refused, for metrics and health; plus call records waiting for the database. */
  stats(): AdmissionStats & { pendingRecords: number };
  /** Stops taking calls (startCall throws DRAINING), then waits for the calls in progress to end, at most `ms`. */
  drain(ms: number): Promise<void>;
  /** After the last call: one more try at the call records still waiting for the database, then no more retries. */
  close(): Promise<void>;
}

/**
 * The line: every channel hands its calls here, whatever the transport.
 * Admission is decided before any work is done for a new call, so a full
 * line never degrades the calls already on it.
 *
 * @example
 *   const line = createLine({ ...deps, admission: { maxCalls: 100, atCapacity: 'announce' } });
 *   const call = line.startCall({ channel, from: '+34600111222', to: '950183313' });
 *   await call.ended; // { outcome: 'ebanking_user_recovered', language: 'es' }
 */
export function createLine(deps: LineDeps): Line {
  checkLineMessages(deps.bundle);
  const live = new Map<string, LiveCall>();
  let draining = false;
  const queue = deps.recordQueue ?? new RecordQueue(deps.records, { clock: deps.clock, logger: deps.logger });
  const sessionDeps: SessionDeps = { ...deps, recordQueue: queue };
  // At capacity the line flips between full and not with every call that ends and the next that comes: said at most
  // every half minute, with the totals, so the log stays readable through a surge.
  let lastSaid = -Infinity;
  const admission = new AdmissionControl(deps.admission, (full) => {
    const now = deps.clock.now();
    if (now - lastSaid < CAPACITY_LOG_EVERY_MS) return;
    lastSaid = now;
    const stats = admission.stats();
    if (full) deps.logger.warn(stats, `the line is full: new callers ${stats.atCapacity === 'announce' ? 'hear that the lines are busy' : 'are refused'}`);
    else deps.logger.info(stats, 'the line has room again');
  });
  const countryCode = deps.defaultCountryCode ?? '34';
  const track = (call: LiveCall, place: AdmissionTicket, direction: CallDirection = 'inbound'): LiveCall => {
    live.set(call.callId, call);
    void call.ended.then(({ outcome }) => {
      live.delete(call.callId);
      place.release();
      deps.onCallEnded?.({ outcome, direction });
    });
    return call;
  };

  return {
    live,
    knows: (to) => flowFor(deps.bundle, to, countryCode) !== undefined,
    admit: (to) => {
      const place = admission.admit();
      if (place.kind === 'refused' && to !== undefined) deps.refusals?.note(digitsOf(to));
      return place;
    },
    peek: () => admission.peek(),
    stats: () => ({ ...admission.stats(), pendingRecords: queue.pending }),
    startCall({ channel, from, to, admission: given }) {
      const flowId = flowFor(deps.bundle, to, countryCode);
      if (draining || !flowId) {
        given?.release();
        if (draining) throw new ClaveError('DRAINING', 'the line is stopping and takes no new calls');
        throw new ClaveError('UNKNOWN_NUMBER', `no flow answers the number ${to}`, { to });
      }
      const place = given ?? admission.admit();
      if (place.kind === 'refused') {
        deps.refusals?.note(digitsOf(to));
        throw new ClaveError('AT_CAPACITY', 'all lines are busy; call again later', { retryAfterSeconds: place.retryAfterSeconds });
      }
      return track(
        place.kind === 'call'
          ? new CallSession(sessionDeps, channel, { flowId, from, to: digitsOf(to) })
          : new BriefCall(sessionDeps, queue, channel, {
              flowId, from, to: digitsOf(to), outcome: 'refused_at_capacity', message: 'lines_busy', note: 'the line was full',
            }),
        place,
      );
    },
    startOutbound({ channel, flowId, from, to, preset, admission: place }) {
      if (draining || !deps.bundle.flows.has(flowId)) {
        place.release();
        if (draining) throw new ClaveError('DRAINING', 'the line is stopping and places no calls');
        throw new ClaveError('UNKNOWN_FLOW', `no flow ${flowId}`, { flowId });
      }
      return track(new CallSession(sessionDeps, channel, { flowId, from, to, outbound: { preset } }), place, 'outbound');
    },
    async drain(ms) {
      draining = true;
      const all = Promise.all([...live.values()].map((s) => s.ended));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([all, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
      clearTimeout(timer);
    },
    async close() {
      await queue.flush();
      queue.close();
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
