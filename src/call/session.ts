import { randomUUID } from 'node:crypto';
import type { CallPreset, Effect, FlowBundle, FlowEvent, Outcome, PlayedPrompt, ServiceResult, Snapshot } from '../flow/index.ts';
import { isOutcome, startCall, step } from '../flow/index.ts';
import { dniFromDigits, nieFromKeys, normalisePhone } from '../identity/index.ts';
import type { Logger } from '../log/index.ts';
import { isClaveError, type Clock, type TimerHandle } from '../shared/index.ts';
import { ANNOUNCE_LOOKUP_MS, BriefCall } from './brief-call.ts';
import type { CallChannel, CallInput } from './channel.ts';
import { withDeadline } from './deadline.ts';
import { lineLanguages, lineMessage } from './line-messages.ts';
import type { AgentDirectory, AnnouncerPort, IdentityPort, ProblemReporterPort, ServiceAnswer, ServicesPort } from './ports.ts';
import { RecordQueue } from './record-queue.ts';
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
  /** Callers' problem reports; absent: reports are only in the transcript. */
  reporter?: ProblemReporterPort;
  /** For caller IDs in national form (the caller's market comes from the country code). */
  defaultCountryCode?: string;
  /** Where call ends wait while the store is down (the line shares one); absent: one per session. */
  recordQueue?: RecordQueue;
}

/** Recording a call's start slower than this counts as failed: the caller must not wait in silence for the database. */
const START_RECORD_MS = 3000;
/** How long the check "is the database there?" may take after a call step failed. */
const STORE_PROBE_MS = 1000;
/** The apology is short; a channel that never reports its end does not hold the call beyond this. */
const APOLOGY_MAX_MS = 30_000;
/** The apology's play: flows number theirs from 1. */
const APOLOGY_PLAY_ID = -2;

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
  readonly #queue: RecordQueue;
  readonly #flowId: string;
  readonly #from: string;
  readonly #to: string;
  /** A call the line placed (the call-back): recorded as outbound, and its services say where they come from. */
  /** What a call the line placed starts knowing (the call-back's customer, language, operation); undefined for a caller's. */
  readonly #outbound: CallPreset | undefined;
  /** Set when the call could not be recorded at its start: that brief call has the caller from then on. */
  #handedOver: BriefCall | undefined;
  /** Set while the apology plays (the database failed under the call). */
  #apologyTimer: TimerHandle | undefined;

  constructor(deps: SessionDeps, channel: CallChannel, call: { flowId: string; from: string; to: string; outbound?: { preset: CallPreset } }) {
    this.#deps = deps;
    this.#channel = channel;
    this.#queue = deps.recordQueue ?? new RecordQueue(deps.records, { clock: deps.clock, logger: deps.logger });
    this.#flowId = call.flowId;
    this.#from = call.from;
    this.#to = call.to;
    this.#outbound = call.outbound?.preset;
    this.#startedAt = deps.clock.now();
    this.ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
    const flow = deps.bundle.flows.get(call.flowId);
    const recorded = deps.records.start({
      callId: this.callId,
      channel: channel.kind,
      direction: this.#outbound ? 'outbound' : 'inbound',
      dialed: call.to,
      caller: call.from,
      flow: call.flowId,
      language: call.outbound?.preset.language ?? flow?.language ?? deps.bundle.defaultLanguage,
      startedAt: new Date(this.#startedAt),
    });
    this.#started = withDeadline(deps.clock, recorded, START_RECORD_MS, 'recording the start of a call').then(
      () => {
        if (this.#closed) return;
        this.#maxTimer = deps.clock.setTimeout(() => this.#abortCall('the call reached its maximum length'), deps.maxCallMs);
        const preset = call.outbound?.preset;
        this.#apply(() => startCall(deps.bundle, { flowId: call.flowId, callerId: call.from, dialed: call.to, ...(preset ? { preset } : {}) }));
      },
      (err: unknown) => {
        deps.logger.error({ err, callId: this.callId }, 'could not record the start of a call: the caller hears the announcement, if known, and an apology');
        this.#handOver(storeNote(err));
      },
    );
  }

  /**
   * Nothing the flow offers works without the database (identity, limits,
   * services all need it), so a call that cannot even be recorded is not
   * walked through menus to fail at the end: it becomes a brief call, with
   * the same id, that says what is known to be wrong (the last announcement)
   * and apologises. Its record waits in the queue if need be.
   */
  #handOver(why: string): void {
    if (this.#closed) return;
    this.#closed = true;
    const brief = new BriefCall(this.#deps, this.#queue, this.#channel, {
      callId: this.callId,
      startedAt: this.#startedAt,
      flowId: this.#flowId,
      from: this.#from,
      to: this.#to,
      outcome: 'service_unavailable',
      message: 'technical_problem',
      note: `the call could not be recorded: ${why}`,
      ...(this.#outbound ? { outbound: this.#outbound } : {}),
    });
    this.#handedOver = brief;
    void brief.ended.then((v) => this.#resolveEnded(v));
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
    if (this.#apologyTimer && playId === APOLOGY_PLAY_ID) {
      this.#finish('service_unavailable', 'line');
      return;
    }
    this.#send({ type: 'promptEnded', playId });
  }

  hangup(): void {
    if (this.#apologyTimer) {
      this.#finish('service_unavailable', 'caller');
      return;
    }
    this.#send({ type: 'hangup' });
  }

  #now(): number {
    return this.#deps.clock.now() - this.#startedAt;
  }

  #send(event: FlowEvent): void {
    if (this.#handedOver) {
      if (event.type === 'hangup') this.#handedOver.hangup();
      else if (event.type === 'promptEnded') this.#handedOver.promptEnded(event.playId);
      return;
    }
    // While apologising the flow is over: its late answers and the caller's keys change nothing.
    if (this.#closed || this.#apologyTimer) return;
    const snapshot = this.#snapshot;
    if (!snapshot) {
      // Events before the first step (a key during set-up) wait for it.
      void this.#started.then(() => this.#send(event));
      return;
    }
    this.#apply(() => step(this.#deps.bundle, snapshot, event));
  }

  #apply(run: () => { snapshot: Snapshot; effects: Effect[] }): void {
    if (this.#closed || this.#apologyTimer) return;
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
      case 'report':
        this.#transcript.push({ at: this.#now(), type: 'note', text: `problem reported: ${effect.component}` });
        void this.#report(effect);
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
      if (await this.#storeOutage(err, 'identify')) return;
      this.#send({ type: 'identified', requestId: e.requestId, result: 'unavailable' });
    }
  }

  async #verify(e: Extract<Effect, { type: 'verify' }>): Promise<void> {
    try {
      // Not tied to the call's abort signal: a started verification settles its attempt either way.
      const result = await this.#deps.identity.verifyCard({ customerId: e.customerId, callId: this.callId, cardLast4: e.cardLast4, pin: e.pin });
      this.#send({ type: 'verified', requestId: e.requestId, result });
    } catch (err) {
      if (await this.#storeOutage(err, 'verify')) return;
      this.#send({ type: 'verified', requestId: e.requestId, result: 'unavailable' });
    }
  }

  async #report(e: Extract<Effect, { type: 'report' }>): Promise<void> {
    const caller = normalisePhone(e.callerId, { defaultCountryCode: this.#deps.defaultCountryCode ?? '34' }) ?? '';
    try {
      await this.#deps.reporter?.report({ component: e.component, dialed: e.dialed, caller });
    } catch (err) {
      // The caller was thanked; a report that could not be stored is only a lost signal.
      this.#deps.logger.warn({ err, callId: this.callId }, 'problem report could not be stored');
    }
  }

  async #announce(e: Extract<Effect, { type: 'announce' }>): Promise<void> {
    let prompts: PlayedPrompt[] = [];
    const announcer = this.#deps.announcer;
    if (announcer) {
      try {
        const caller = normalisePhone(e.callerId, { defaultCountryCode: this.#deps.defaultCountryCode ?? '34' }) ?? '';
        const lookup = announcer.announcementFor({ dialed: e.dialed, caller, language: e.language });
        const found = await withDeadline(this.#deps.clock, lookup, ANNOUNCE_LOOKUP_MS, 'announcement lookup');
        if (found && found.pieces.length > 0) {
          prompts = found.pieces.map((p) => ({ id: 'announcement', text: p.text, params: {}, maskedText: p.text, maskedParams: {}, language: p.language }));
          this.#transcript.push({
            at: this.#now(), type: 'announcement', incidentIds: found.incidentIds, maintenanceIds: found.maintenanceIds, version: found.version,
            ...(found.stale ? { stale: true as const } : {}),
          });
        }
      } catch (err) {
        // No announcement is better than a caller left in silence.
        this.#deps.logger.warn({ err, callId: this.callId }, 'announcement lookup failed; going on without it');
      }
    }
    this.#send({ type: 'announced', requestId: e.requestId, prompts });
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
        ...(this.#outbound ? { origin: 'callback' as const } : {}),
      });
      result = toServiceResult(answer, this.#deps.clock.now());
      if ('suspended' in answer) {
        this.#transcript.push({ at: this.#now(), type: 'note', text: `${e.service} not offered: security mode (${answer.suspended})` });
      }
      if ('unavailable' in answer) {
        this.#transcript.push({ at: this.#now(), type: 'note', text: `${e.service} not started: ${UNAVAILABLE_NOTES[answer.unavailable]}` });
      }
    } catch (err) {
      if (await this.#storeOutage(err, 'service')) return;
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

  /**
   * A call step failed. The bank being down, or any other expected
   * condition, is the flow's to handle (it says so and offers an agent). An
   * unexpected failure may be the database gone: when a quick probe says so
   * (or the error does), the call ends now with an apology, since nothing
   * further in the flow can work. True when the apology took over.
   */
  async #storeOutage(err: unknown, what: string): Promise<boolean> {
    const { logger } = this.#deps;
    if (isClaveError(err, 'BANK_UNAVAILABLE')) {
      logger.warn({ callId: this.callId, what }, 'bank unavailable');
      return false;
    }
    const storeDown =
      isClaveError(err, 'STORE_UNAVAILABLE') ||
      (!isClaveError(err) && !(await withDeadline(this.#deps.clock, this.#deps.records.reachable(), STORE_PROBE_MS, 'database probe').catch(() => false)));
    if (!storeDown) {
      logger.error({ err, callId: this.callId, what }, 'call step failed');
      return false;
    }
    logger.error({ err, callId: this.callId, what }, 'the database failed during a call: the call ends with an apology');
    this.#apologise(storeNote(err));
    return true;
  }

  /**
   * Stops the flow where it is (its timers, its prompt) and says the
   * technical-problem message, in the caller's language once chosen, else
   * in every language; the line hangs up when it has been said.
   */
  #apologise(reason: string): void {
    if (this.#closed || this.#apologyTimer) return;
    const { bundle, clock } = this.#deps;
    for (const handle of this.#timers.values()) clock.clearTimeout(handle);
    this.#timers.clear();
    const snapshot = this.#snapshot;
    if (snapshot?.input.playId != null) this.#channel.stopPlay(snapshot.input.playId);
    this.#transcript.push({ at: this.#now(), type: 'note', text: reason });
    const chosen = snapshot?.vars['language'];
    const languages = chosen !== undefined ? [chosen] : lineLanguages(bundle, this.language);
    const prompts = lineMessage(bundle, 'technical_problem', languages);
    for (const p of prompts) this.#transcript.push({ at: this.#now(), type: 'prompt', id: p.id, text: p.text });
    this.#apologyTimer = clock.setTimeout(() => this.#finish('service_unavailable', 'line'), APOLOGY_MAX_MS);
    this.#channel.play(APOLOGY_PLAY_ID, prompts, { bargeIn: false, language: languages[0] ?? this.language });
  }

  /**
   * Ends the call from the line's side (shutdown after the grace period): the
   * caller's channel is hung up (a SIP BYE) and the outcome is what the flow
   * had decided, or service_unavailable.
   */
  terminate(reason: string): void {
    if (this.#handedOver) this.#handedOver.terminate(reason);
    else this.#abortCall(reason);
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
    if (this.#apologyTimer) this.#deps.clock.clearTimeout(this.#apologyTimer);
    this.#transcript.push({ at: this.#now(), type: 'hangup', by });
    if (by === 'line') this.#channel.hangup(outcome);
    const language = this.language;
    const finished = this.#queue.finish({
      callId: this.callId,
      channel: this.#channel.kind,
      direction: this.#outbound ? 'outbound' : 'inbound',
      dialed: this.#to,
      caller: this.#from,
      flow: this.#flowId,
      language,
      outcome,
      customerId: this.#snapshot?.customerId ?? null,
      path: this.#path,
      transcript: this.#transcript,
      startedAt: new Date(this.#startedAt),
      endedAt: new Date(this.#deps.clock.now()),
    });
    void finished.then(() => {
      this.#deps.logger.info({ callId: this.callId, outcome, language, durationMs: this.#now() }, 'call ended');
      this.#resolveEnded({ outcome, language });
    });
  }
}

/**
 * The transcript's note on a failure of the database: which condition (a
 * full disk), never the driver's words, which may quote data.
 */
function storeNote(err: unknown): string {
  const condition = isClaveError(err, 'STORE_UNAVAILABLE') ? err.details['condition'] : undefined;
  if (typeof condition !== 'string' || condition === 'unreachable') return 'the database did not answer';
  return `the database failed: ${condition.replace(/_/g, ' ')}`;
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
  // A security mode refused it: the flow says why (lockdown, an agent only, a call-back) with a switch on `suspended`.
  if ('suspended' in answer) return { outcome, vars: { suspended: answer.suspended } };
  return { outcome };
}

const UNAVAILABLE_NOTES = {
  bank: 'the bank did not answer',
  sms: 'the SMS channel is failing',
  email: 'the e-mail channel is failing',
} as const;
