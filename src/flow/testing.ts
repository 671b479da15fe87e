import type { Effect, FlowBundle, FlowEvent, Snapshot } from './types.ts';
import { startCall, step, type CallPreset } from './interpreter.ts';

/** Answers the interpreter's bank-side effects in tests of flows. */
export interface DriverAnswers {
  identify?: (e: Extract<Effect, { type: 'identify' }>) => Extract<FlowEvent, { type: 'identified' }>;
  verify?: (e: Extract<Effect, { type: 'verify' }>) => Extract<FlowEvent, { type: 'verified' }>;
  service?: (e: Extract<Effect, { type: 'service' }>) => Extract<FlowEvent, { type: 'serviceDone' }>;
  transfer?: (e: Extract<Effect, { type: 'transfer' }>) => Extract<FlowEvent, { type: 'transferred' }>;
  /** Default: nothing to announce. */
  announce?: (e: Extract<Effect, { type: 'announce' }>) => Extract<FlowEvent, { type: 'announced' }>;
}

/**
 * Drives the pure interpreter as a call session would, with prompts that end
 * at once and bank answers from `answers`; collects every effect. Timers are
 * kept so a test can fire them by hand (time is an input).
 */
export class FlowDriver {
  snapshot: Snapshot;
  readonly effects: Effect[] = [];
  readonly timers = new Map<number, number>();
  readonly #bundle: FlowBundle;
  readonly #answers: DriverAnswers;
  autoEndPrompts = true;

  constructor(bundle: FlowBundle, init: { flowId: string; callerId: string; dialed: string; preset?: CallPreset }, answers: DriverAnswers = {}) {
    this.#bundle = bundle;
    this.#answers = answers;
    const { snapshot, effects } = startCall(bundle, init);
    this.snapshot = snapshot;
    this.#run(effects);
  }

  send(event: FlowEvent): void {
    const { snapshot, effects } = step(this.#bundle, this.snapshot, event);
    this.snapshot = snapshot;
    this.#run(effects);
  }

  keys(keys: string): void {
    for (const key of keys.replace(/\s/g, '')) this.send({ type: 'digit', key });
  }

  /** Fires the pending input timer, as if its time had passed. */
  fireTimer(): void {
    const [timerId] = [...this.timers.keys()];
    if (timerId === undefined) throw new Error('no timer pending');
    this.timers.delete(timerId);
    this.send({ type: 'timer', timerId });
  }

  get prompts(): string[] {
    return this.effects.flatMap((e) => (e.type === 'play' ? e.prompts.map((p) => p.id) : []));
  }

  get ended(): Extract<Effect, { type: 'end' }> | undefined {
    return this.effects.find((e): e is Extract<Effect, { type: 'end' }> => e.type === 'end');
  }

  #run(effects: Effect[]): void {
    const queue: FlowEvent[] = [];
    for (const e of effects) {
      this.effects.push(e);
      switch (e.type) {
        case 'play':
          if (this.autoEndPrompts) queue.push({ type: 'promptEnded', playId: e.playId });
          break;
        case 'startTimer':
          this.timers.set(e.timerId, e.ms);
          break;
        case 'cancelTimer':
          this.timers.delete(e.timerId);
          break;
        case 'identify':
          if (this.#answers.identify) queue.push(this.#answers.identify(e));
          break;
        case 'verify':
          if (this.#answers.verify) queue.push(this.#answers.verify(e));
          break;
        case 'service':
          if (this.#answers.service) queue.push(this.#answers.service(e));
          break;
        case 'transfer':
          if (this.#answers.transfer) queue.push(this.#answers.transfer(e));
          break;
        case 'announce':
          queue.push(this.#answers.announce ? this.#answers.announce(e) : { type: 'announced', requestId: e.requestId, prompts: [] });
          break;
        default:
          break;
      }
    }
    for (const event of queue) this.send(event);
  }
}
