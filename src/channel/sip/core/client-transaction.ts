import type { Clock, TimerHandle } from '../../../shared/index.ts';
import type { SipResponse } from '../grammar/message.ts';
import { TIMER_F, TIMER_K_UDP, T1, T2 } from './timers.ts';
import { isReliable, type Peer, type SipTransport, type TransactionDeps } from './transport.ts';
import { assertMove } from './moves.ts';

export type NonInviteClientState = 'trying' | 'proceeding' | 'completed' | 'terminated';

const MOVES: Record<NonInviteClientState, readonly NonInviteClientState[]> = {
  // RFC 3261 §17.1.2, Figure 6.
  trying: ['proceeding', 'completed', 'terminated'],
  proceeding: ['completed', 'terminated'],
  completed: ['terminated'],
  terminated: [],
};

export type ClientOutcome = { kind: 'response'; response: SipResponse } | { kind: 'timeout' } | { kind: 'closed' };

/**
 * A non-INVITE client transaction (the BYE and REFER the line sends). Over
 * UDP it retransmits on Timer E (T1 doubling, capped at T2); Timer F ends it
 * with a timeout. `result` resolves with the final response, once.
 */
export class NonInviteClientTransaction {
  readonly key: string;
  readonly result: Promise<ClientOutcome>;
  #state: NonInviteClientState = 'trying';
  #resolve!: (o: ClientOutcome) => void;
  #timers: TimerHandle[] = [];
  #interval = T1;
  readonly #data: Buffer;
  readonly #to: Peer;
  readonly #clock: Clock;
  readonly #transport: SipTransport;
  readonly #onTerminated: (key: string) => void;
  onProvisional?: (response: SipResponse) => void;

  constructor(key: string, data: Buffer, to: Peer, deps: TransactionDeps) {
    this.key = key;
    this.#data = data;
    this.#to = to;
    this.#clock = deps.clock;
    this.#transport = deps.transport;
    this.#onTerminated = deps.onTerminated;
    this.result = new Promise((resolve) => (this.#resolve = resolve));
  }

  get state(): NonInviteClientState {
    return this.#state;
  }

  start(): void {
    this.#transport.send(this.#data, this.#to);
    // RFC 3261 §17.1.2.2: "If an unreliable transport is in use, the client transaction MUST set timer E to fire in T1 seconds."
    if (!isReliable(this.#to)) this.#scheduleE();
    this.#after(TIMER_F, () => {
      if (this.#state === 'trying' || this.#state === 'proceeding') {
        this.#resolve({ kind: 'timeout' });
        this.transition('terminated');
      }
    });
  }

  transition(to: NonInviteClientState): void {
    assertMove('non-INVITE client transaction', MOVES, this.#state, to);
    this.#state = to;
    if (to === 'terminated') {
      for (const t of this.#timers) this.#clock.clearTimeout(t);
      this.#timers = [];
      this.#resolve({ kind: 'closed' });
      this.#onTerminated(this.key);
    }
  }

  receive(response: SipResponse): void {
    if (this.#state === 'completed' || this.#state === 'terminated') return;
    if (response.status < 200) {
      if (this.#state === 'trying') this.transition('proceeding');
      this.onProvisional?.(response);
      return;
    }
    this.#resolve({ kind: 'response', response });
    this.transition('completed');
    this.#after(isReliable(this.#to) ? 0 : TIMER_K_UDP, () => this.transition('terminated'));
  }

  close(): void {
    if (this.#state !== 'terminated') this.transition('terminated');
  }

  #scheduleE(): void {
    this.#after(this.#interval, () => {
      if (this.#state !== 'trying' && this.#state !== 'proceeding') return;
      this.#transport.send(this.#data, this.#to);
      // In Proceeding, retransmissions go every T2 (§17.1.2.2).
      this.#interval = this.#state === 'proceeding' ? T2 : Math.min(2 * this.#interval, T2);
      this.#scheduleE();
    });
  }

  #after(ms: number, fn: () => void): void {
    this.#timers.push(this.#clock.setTimeout(fn, ms));
  }
}
