import { randomUUID } from 'node:crypto';
import type { CallPreset, Outcome } from '../flow/index.ts';
import { normalisePhone } from '../identity/index.ts';
import type { TimerHandle } from '../shared/index.ts';
import type { CallChannel, CallInput, RenderedPrompt } from './channel.ts';
import { withDeadline } from './deadline.ts';
import { lineLanguages, lineMessage, type LineMessage } from './line-messages.ts';
import type { RecordQueue } from './record-queue.ts';
import type { TranscriptEntry } from './records.ts';
import type { SessionDeps } from './session.ts';

/** An announcement lookup slower than this is given up (the same bound as the session's). */
export const ANNOUNCE_LOOKUP_MS = 1500;
/** However long the announcement, a brief call is over by then (a channel that never reports the end of a play). */
const BRIEF_MAX_MS = 90_000;
/** Its single play: flows number theirs from 1, so no event of a flow can be taken for it. */
const PLAY_ID = -1;

export interface BriefCallSpec {
  flowId: string;
  from: string;
  /** Dialed digits. */
  to: string;
  outcome: Outcome;
  message: LineMessage;
  /** Why the call is brief, in its transcript. */
  note: string;
  /** A session handing over keeps its id and start time. */
  callId?: string;
  startedAt?: number;
  /**
   * A call the line placed (a call-back), in the customer's language: it is
   * recorded as outbound, and the line's incident announcement, meant for
   * callers of the line, is not read to it.
   */
  outbound?: Pick<CallPreset, 'language'>;
}

/**
 * A call that runs no flow: the incident announcement for the line, if any
 * (in the line's first language, since the caller has chosen none), then one
 * line message in every language, then the line hangs up with a fixed
 * outcome. A caller beyond capacity gets it (refused_at_capacity), and so
 * does one whose call cannot even be recorded (service_unavailable). No
 * identity, no bank: cheap, short, and recorded like any call.
 *
 * @example
 *   const call = new BriefCall(deps, queue, channel, { flowId: 'unlock-line', from, to, outcome: 'refused_at_capacity', message: 'lines_busy', note: 'the line was full' });
 *   await call.ended; // { outcome: 'refused_at_capacity', language: 'es' }
 */
export class BriefCall implements CallInput {
  readonly callId: string;
  readonly ended: Promise<{ outcome: string; language: string }>;
  readonly #deps: SessionDeps;
  readonly #queue: RecordQueue;
  readonly #channel: CallChannel;
  readonly #spec: BriefCallSpec;
  readonly #startedAt: number;
  readonly #language: string;
  readonly #transcript: TranscriptEntry[] = [];
  #resolve!: (v: { outcome: string; language: string }) => void;
  #closed = false;
  #maxTimer: TimerHandle | undefined;

  constructor(deps: SessionDeps, queue: RecordQueue, channel: CallChannel, spec: BriefCallSpec) {
    this.#deps = deps;
    this.#queue = queue;
    this.#channel = channel;
    this.#spec = spec;
    this.callId = spec.callId ?? randomUUID();
    this.#startedAt = spec.startedAt ?? deps.clock.now();
    this.#language = spec.outbound?.language ?? deps.bundle.flows.get(spec.flowId)?.language ?? deps.bundle.defaultLanguage;
    this.ended = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    this.#transcript.push({ at: this.#now(), type: 'note', text: spec.note });
    this.#maxTimer = deps.clock.setTimeout(() => this.#finish('line'), BRIEF_MAX_MS);
    void this.#speak();
  }

  /** Keys change nothing: there is nothing to choose. */
  digit(_key: string): void {}

  promptEnded(playId: number): void {
    if (playId === PLAY_ID) this.#finish('line');
  }

  hangup(): void {
    this.#finish('caller');
  }

  terminate(reason: string): void {
    if (this.#closed) return;
    this.#transcript.push({ at: this.#now(), type: 'note', text: reason });
    this.#finish('line');
  }

  async #speak(): Promise<void> {
    const prompts: RenderedPrompt[] = [...(await this.#announcement()), ...lineMessage(this.#deps.bundle, this.#spec.message, lineLanguages(this.#deps.bundle, this.#language))];
    if (this.#closed) return;
    for (const p of prompts) this.#transcript.push({ at: this.#now(), type: 'prompt', id: p.id, text: p.text });
    this.#channel.play(PLAY_ID, prompts, { bargeIn: false, language: this.#language });
  }

  async #announcement(): Promise<RenderedPrompt[]> {
    const { announcer, clock, defaultCountryCode } = this.#deps;
    if (!announcer || this.#spec.outbound) return [];
    try {
      const caller = normalisePhone(this.#spec.from, { defaultCountryCode: defaultCountryCode ?? '34' }) ?? '';
      const found = await withDeadline(clock, announcer.announcementFor({ dialed: this.#spec.to, caller, language: this.#language }), ANNOUNCE_LOOKUP_MS, 'announcement lookup');
      if (!found || found.pieces.length === 0) return [];
      this.#transcript.push({
        at: this.#now(), type: 'announcement', incidentIds: found.incidentIds, maintenanceIds: found.maintenanceIds, version: found.version,
        ...(found.stale ? { stale: true as const } : {}),
      });
      return found.pieces.map((p) => ({ id: 'announcement', text: p.text, params: {}, language: p.language }));
    } catch (err) {
      this.#deps.logger.warn({ err, callId: this.callId }, 'announcement lookup failed; going on without it');
      return [];
    }
  }

  #now(): number {
    return this.#deps.clock.now() - this.#startedAt;
  }

  #finish(by: 'line' | 'caller'): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#maxTimer) this.#deps.clock.clearTimeout(this.#maxTimer);
    this.#transcript.push({ at: this.#now(), type: 'hangup', by });
    if (by === 'line') this.#channel.hangup(this.#spec.outcome);
    const { outcome } = this.#spec;
    const language = this.#language;
    void this.#queue
      .finish({
        callId: this.callId,
        channel: this.#channel.kind,
        direction: this.#spec.outbound ? 'outbound' : 'inbound',
        dialed: this.#spec.to,
        caller: this.#spec.from,
        flow: this.#spec.flowId,
        language,
        outcome,
        customerId: null,
        path: [],
        transcript: this.#transcript,
        startedAt: new Date(this.#startedAt),
        endedAt: new Date(this.#deps.clock.now()),
      })
      .then(() => {
        this.#deps.logger.info({ callId: this.callId, outcome, durationMs: this.#now() }, 'call ended');
        this.#resolve({ outcome, language });
      });
  }
}
