import { randomUUID } from 'node:crypto';
import type { Effect, FlowBundle, FlowEvent, Outcome, PlayedPrompt, ServiceResult, Snapshot } from '../flow/index.ts';
import { isOutcome, startCall, step } from '../flow/index.ts';
import { dniFromDigits, nieFromKeys, normalisePhone } from '../identity/index.ts';
import type { Logger } from '../log/index.ts';
import { isClaveError, type Clock, type TimerHandle } from '../shared/index.ts';
import type { CallChannel, CallInput } from './channel.ts';
import type { AgentDirectory, AnnouncerPort, IdentityPort, ServiceAnswer, ServicesPort } from './ports.ts';
import type { CallRecords, PathStep, TranscriptEntry } from './records.ts';

export interface SessionDeps {
  bundle: FlowBundle;
  identity: IdentityPort;
  services: ServicesPort;
  records: CallRecords;
  clock: Clock;
  logger: Logger;
  agents: AgentDirectory;
  /** A call longer than this is ended (a stuck channel must not hold resources forever). */
  maxCallMs: number;
  /** Incidents to announce; absent: nothing is ever announced. */
  announcer?: AnnouncerPort;
  /** For caller IDs in national form (the caller's market comes from the country code). */
  defaultCountryCode?: string;
}

/** An announcement lookup slower than this is given up: the caller goes on to the menu rather than wait. */
const ANNOUNCE_LOOKUP_MS = 1500;

/**
 * One call: owns its timers and abort controller, feeds channel events to the
 * pure interpreter and carries out the effects it returns. Closing it (by
 * either side) cancels everything it owns, records the call once and
 * resolves `ended`.
 */
export class CallSession implements CallInput {
  readonly callId = randomUUID();
  readonly ended: Promise<{ outcome: string; language: string }>;
  readonly #deps: SessionDeps;
  readonly #channel: CallChannel;
  readonly #abort = new AbortController();
  readonly #timers = new Map<number, TimerHandle>();
  readonly #transcript: TranscriptEntry[] = [];
  readonly #path: PathStep[] = [];
  readonly #startedAt: number;
  #snapshot: Snapshot | undefined;
  #resolveEnded!: (v: { outcome: string; language: string }) => void;
  #closed = false;
  #started: Promise<void>;
  #maxTimer: TimerHandle | undefined;

  constructor(deps: SessionDeps, channel: CallChannel, call: { flowId: string; from: string; to: string }) {
    this.#deps = deps;
    this.#channel = channel;
    this.#startedAt = deps.clock.now();
    this.ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
    const flow = deps.bundle.flows.get(call.flowId);
    this.#started = deps.records
      .start({
        callId: this.callId,
        channel: channel.kind,
        dialed: call.to,
        caller: call.from,
        flow: call.flowId,
        language: flow?.language ?? deps.bundle.defaultLanguage,
        startedAt: new Date(this.#startedAt),
      })
      .then(() => {
        this.#maxTimer = deps.clock.setTimeout(() => this.#abortCall('the call reached its maximum length'), deps.maxCallMs);
        this.#apply(() => startCall(deps.bundle, { flowId: call.flowId, callerId: call.from, dialed: call.to }));
      })
      .catch((err: unknown) => {
        deps.logger.error({ err, callId: this.callId }, 'could not record the start of a call');
        this.#closed = true;
        channel.hangup('service_unavailable');
        this.#resolveEnded({ outcome: 'service_unavailable', language: flow?.language ?? deps.bundle.defaultLanguage });
      });
  }

  /** Resolves once the call record exists and the first prompt is under way. */
  get started(): Promise<void> {
    return this.#started;
  }

  get language(): string {
    return this.#snapshot?.language ?? this.#deps.bundle.defaultLanguage;
  }

  digit(key: string): void {
    this.#send({ type: 'digit', key });
  }

  promptEnded(playId: number): void {
    this.#send({ type: 'promptEnded', playId });
  }

  hangup(): void {
    this.#send({ type: 'hangup' });
  }

  #now(): number {
    return this.#deps.clock.now() - this.#startedAt;
  }

  #send(event: FlowEvent): void {
    if (this.#closed) return;
    const snapshot = this.#snapshot;
    if (!snapshot) {
      // Events before the first step (a key during set-up) wait for it.
      void this.#started.then(() => this.#send(event));
      return;
    }
    this.#apply(() => step(this.#deps.bundle, snapshot, event));
  }

  #apply(run: () => { snapshot: Snapshot; effects: Effect[] }): void {
    if (this.#closed) return;
    let result: { snapshot: Snapshot; effects: Effect[] };
    try {
      result = run();
    } catch (err) {
      // A bug in a flow or the interpreter: end the call rather than leave silence.
      this.#deps.logger.error({ err, callId: this.callId, node: this.#snapshot?.nodeId }, 'flow step failed');
      this.#abortCall('internal error');
      return;
    }
    const before = this.#snapshot?.path.length ?? 0;
    this.#snapshot = result.snapshot;
    for (const node of result.snapshot.path.slice(before)) this.#path.push({ node, at: this.#now() });
    for (const effect of result.effects) this.#run(effect);
  }

  #run(effect: Effect): void {
    const { clock } = this.#deps;
    switch (effect.type) {
      case 'play':
        for (const p of effect.prompts) this.#transcript.push({ at: this.#now(), type: 'prompt', id: p.id, text: p.maskedText });
        this.#channel.play(
          effect.playId,
          effect.prompts.map((p) => ({ id: p.id, text: p.text, params: p.params, ...(p.language ? { language: p.language } : {}) })),
          { bargeIn: effect.bargeIn, language: effect.language },
        );
        return;
      case 'stopPlay':
        this.#channel.stopPlay(effect.playId);
        return;
      case 'listen':
        this.#channel.listen({ node: effect.node, kind: effect.kind, maxDigits: effect.maxDigits, secret: effect.secret });
        return;
      case 'startTimer':
        this.#timers.set(
          effect.timerId,
          clock.setTimeout(() => {
            this.#timers.delete(effect.timerId);
            this.#send({ type: 'timer', timerId: effect.timerId });
          }, effect.ms),
        );
        return;
      case 'cancelTimer': {
        const handle = this.#timers.get(effect.timerId);
        if (handle) clock.clearTimeout(handle);
        this.#timers.delete(effect.timerId);
        return;
      }
      case 'input':
        this.#transcript.push({ at: this.#now(), type: 'keys', node: effect.node, value: effect.value });
        return;
      case 'identify':
        void this.#identify(effect);
        return;
      case 'verify':
        void this.#verify(effect);
        return;
      case 'service':
        void this.#service(effect);
        return;
      case 'transfer':
        void this.#transfer(effect);
        return;
      case 'announce':
        void this.#announce(effect);
        return;
      case 'end':
        this.#finish(effect.outcome, effect.by);
        return;
    }
  }

  async #identify(e: Extract<Effect, { type: 'identify' }>): Promise<void> {
    const number = e.document.type === 'DNI' ? dniFromDigits(e.document.digits) : nieFromKeys(e.document.niePrefix ?? '', e.document.digits);
    if (number === null) {
      this.#send({ type: 'identified', requestId: e.requestId, result: 'customer_not_found' });
      return;
    }
    try {
      const who = await this.#deps.identity.identify(
        { document: { type: e.document.type, number }, callerId: this.#snapshot?.callerId ?? null },
        { signal: this.#abort.signal },
      );
      if (who.kind === 'identified') {
        this.#send({ type: 'identified', requestId: e.requestId, result: 'identified', customerId: who.customer.id });
      } else {
        this.#send({ type: 'identified', requestId: e.requestId, result: who.kind });
      }
    } catch (err) {
      this.#unavailable(err, 'identify');
      this.#send({ type: 'identified', requestId: e.requestId, result: 'unavailable' });
    }
  }

  async #verify(e: Extract<Effect, { type: 'verify' }>): Promise<void> {
    try {
      // Not tied to the call's abort signal: a started verification settles its attempt either way.
      const result = await this.#deps.identity.verifyCard({ customerId: e.customerId, callId: this.callId, cardLast4: e.cardLast4, pin: e.pin });
      this.#send({ type: 'verified', requestId: e.requestId, result });
    } catch (err) {
      this.#unavailable(err, 'verify');
      this.#send({ type: 'verified', requestId: e.requestId, result: 'unavailable' });
    }
  }

  async #announce(e: Extract<Effect, { type: 'announce' }>): Promise<void> {
    let prompts: PlayedPrompt[] = [];
    const announcer = this.#deps.announcer;
    if (announcer) {
      try {
        const caller = normalisePhone(e.callerId, { defaultCountryCode: this.#deps.defaultCountryCode ?? '34' }) ?? '';
        const found = await this.#withLookupDeadline(announcer.announcementFor({ dialed: e.dialed, caller, language: e.language }));
        if (found && found.pieces.length > 0) {
          prompts = found.pieces.map((p) => ({ id: 'announcement', text: p.text, params: {}, maskedText: p.text, maskedParams: {}, language: p.language }));
          this.#transcript.push({ at: this.#now(), type: 'announcement', incidentIds: found.incidentIds, maintenanceIds: found.maintenanceIds, version: found.version });
        }
      } catch (err) {
        // No announcement is better than a caller left in silence.
        this.#deps.logger.warn({ err, callId: this.callId }, 'announcement lookup failed; going on without it');
      }
    }
    this.#send({ type: 'announced', requestId: e.requestId, prompts });
  }

  #withLookupDeadline<T>(work: Promise<T>): Promise<T> {
    let handle: TimerHandle | undefined;
    const deadline = new Promise<never>((_, reject) => {
      handle = this.#deps.clock.setTimeout(() => reject(new Error(`no answer within ${ANNOUNCE_LOOKUP_MS} ms`)), ANNOUNCE_LOOKUP_MS);
    });
    return Promise.race([work, deadline]).finally(() => {
      if (handle) this.#deps.clock.clearTimeout(handle);
    });
  }

  async #service(e: Extract<Effect, { type: 'service' }>): Promise<void> {
    let result: ServiceResult;
    try {
      const answer = await this.#deps.services.run({
        service: e.service,
        customerId: e.customerId,
        callId: this.callId,
        language: e.language,
        ...(e.reference !== undefined ? { reference: e.reference } : {}),
      });
      result = toServiceResult(answer, this.#deps.clock.now());
      if ('unavailable' in answer) {
        this.#transcript.push({ at: this.#now(), type: 'note', text: `${e.service} not started: ${UNAVAILABLE_NOTES[answer.unavailable]}` });
      }
    } catch (err) {
      this.#unavailable(err, 'service');
      result = { outcome: 'service_unavailable' };
    }
    this.#send({ type: 'serviceDone', requestId: e.requestId, result });
  }

  async #transfer(e: Extract<Effect, { type: 'transfer' }>): Promise<void> {
    const target = this.#deps.agents[e.target];
    if (!target) {
      this.#transcript.push({ at: this.#now(), type: 'transfer', target: e.target, result: 'unavailable' });
      this.#send({ type: 'transferred', requestId: e.requestId, result: 'unavailable' });
      return;
    }
    let result: 'completed' | 'refused' = 'refused';
    try {
      result = await this.#channel.transfer(target);
    } catch (err) {
      this.#deps.logger.warn({ err, callId: this.callId }, 'transfer failed');
    }
    this.#transcript.push({ at: this.#now(), type: 'transfer', target, result });
    this.#send({ type: 'transferred', requestId: e.requestId, result });
  }

  #unavailable(err: unknown, what: string): void {
    if (isClaveError(err, 'BANK_UNAVAILABLE')) this.#deps.logger.warn({ callId: this.callId, what }, 'bank unavailable');
    else this.#deps.logger.error({ err, callId: this.callId, what }, 'call step failed');
  }

  /**
   * Ends the call from the line's side (shutdown after the grace period): the
   * caller's channel is hung up (a SIP BYE) and the outcome is what the flow
   * had decided, or service_unavailable.
   */
  terminate(reason: string): void {
    this.#abortCall(reason);
  }

  /** Ends the call from outside the flow (bug, time limit): says nothing more, records once. */
  #abortCall(reason: string): void {
    if (this.#closed) return;
    this.#transcript.push({ at: this.#now(), type: 'note', text: reason });
    const outcome = this.#snapshot?.outcome ?? 'service_unavailable';
    this.#finish(outcome, 'line');
  }

  #finish(outcome: Outcome, by: 'line' | 'caller'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort(new Error('call ended'));
    for (const handle of this.#timers.values()) this.#deps.clock.clearTimeout(handle);
    this.#timers.clear();
    if (this.#maxTimer) this.#deps.clock.clearTimeout(this.#maxTimer);
    this.#transcript.push({ at: this.#now(), type: 'hangup', by });
    if (by === 'line') this.#channel.hangup(outcome);
    const language = this.language;
    const finished = this.#deps.records
      .finish({
        callId: this.callId,
        outcome,
        language,
        customerId: this.#snapshot?.customerId ?? null,
        path: this.#path,
        transcript: this.#transcript,
        endedAt: new Date(this.#deps.clock.now()),
      })
      .catch((err: unknown) => {
        this.#deps.logger.error({ err, callId: this.callId }, 'could not record the end of a call');
        return false;
      });
    void finished.then(() => {
      this.#deps.logger.info({ callId: this.callId, outcome, language, durationMs: this.#now() }, 'call ended');
      this.#resolveEnded({ outcome, language });
    });
  }
}

function toServiceResult(answer: ServiceAnswer, now: number): ServiceResult {
  const outcome = isOutcome(answer.outcome) ? answer.outcome : 'service_unavailable';
  if ('key' in answer) {
    const { operation, key, expiresAt } = answer;
    return {
      outcome,
      vars: {
        amount: operation.amount,
        currency: operation.currency,
        payee: operation.payee,
        keyMinutes: String(Math.max(1, Math.round((expiresAt.getTime() - now) / 60_000))),
      },
      secrets: { key },
    };
  }
  // The flow can tell the caller which part is down (a switch on `unavailable`).
  if ('unavailable' in answer) return { outcome, vars: { unavailable: answer.unavailable } };
  return { outcome };
}

const UNAVAILABLE_NOTES = {
  bank: 'the bank did not answer',
  sms: 'the SMS channel is failing',
  email: 'the e-mail channel is failing',
} as const;
