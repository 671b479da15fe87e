import type { TimerHandle } from '../../../shared/index.ts';
import type { SipRequest } from '../grammar/message.ts';
import { TIMER_H, TIMER_I_UDP, TIMER_J_UDP, TIMER_L, T1, T2 } from './timers.ts';
import { isReliable, type Peer, type TransactionDeps } from './transport.ts';
import { assertMove } from './moves.ts';

export type InviteServerState = 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';
export type NonInviteServerState = 'trying' | 'proceeding' | 'completed' | 'terminated';

const INVITE_MOVES: Record<InviteServerState, readonly InviteServerState[]> = {
  // RFC 3261 §17.2.1 with RFC 6026 §7.1's Accepted state for 2xx.
  proceeding: ['accepted', 'completed', 'terminated'],
  accepted: ['terminated'],
  completed: ['confirmed', 'terminated'],
  confirmed: ['terminated'],
  terminated: [],
};

const NON_INVITE_MOVES: Record<NonInviteServerState, readonly NonInviteServerState[]> = {
  // RFC 3261 §17.2.2, Figure 8.
  trying: ['proceeding', 'completed', 'terminated'],
  proceeding: ['completed', 'terminated'],
  completed: ['terminated'],
  terminated: [],
};

interface Deps extends TransactionDeps {
  /** Timer H fired: no ACK for a final non-2xx response. */
  onTimeout?: () => void;
}

/**
 * The INVITE server transaction. It sends the responses it is given,
 * retransmits a final non-2xx response over UDP (Timer G) until the ACK
 * arrives or Timer H gives up, and answers retransmitted INVITEs with the
 * last response. 2xx retransmission belongs to the UAS core (§13.3.1.4).
 */
export class InviteServerTransaction {
  readonly key: string;
  readonly request: SipRequest;
  readonly source: Peer;
  #state: InviteServerState = 'proceeding';
  #last: Buffer | null = null;
  #timers: TimerHandle[] = [];
  #retransmitEvery = T1;
  readonly #deps: Deps;

  constructor(key: string, request: SipRequest, source: Peer, deps: Deps) {
    this.key = key;
    this.request = request;
    this.source = source;
    this.#deps = deps;
  }

  get state(): InviteServerState {
    return this.#state;
  }

  transition(to: InviteServerState): void {
    assertMove('INVITE server transaction', INVITE_MOVES, this.#state, to);
    this.#state = to;
    if (to === 'terminated') {
      this.#clearTimers();
      this.#deps.onTerminated(this.key);
    }
  }

  /** The TU sends a response through the transaction. */
  respond(status: number, data: Buffer): void {
    if (this.#state !== 'proceeding') return;
    this.#last = data;
    this.#deps.transport.send(data, this.source);
    if (status < 200) return;
    if (status < 300) {
      // RFC 6026 §8.5: "… the server transaction MUST transition to the 'Accepted' state" and start Timer L.
      this.transition('accepted');
      this.#after(TIMER_L, () => this.transition('terminated'));
      return;
    }
    this.transition('completed');
    // RFC 3261 §17.2.1: "For unreliable transports, … Timer G is set to fire in T1 seconds".
    if (!isReliable(this.source)) this.#scheduleG();
    this.#after(TIMER_H, () => {
      if (this.#state !== 'completed') return;
      this.#deps.onTimeout?.();
      this.transition('terminated');
    });
  }

  /** A retransmitted INVITE: "the most recent provisional response … MUST be passed to the transport layer". */
  retransmission(): void {
    if ((this.#state === 'proceeding' || this.#state === 'completed') && this.#last) this.#deps.transport.send(this.#last, this.source);
  }

  /** The ACK for a non-2xx final response. */
  ack(): void {
    if (this.#state !== 'completed') return;
    this.transition('confirmed');
    this.#after(isReliable(this.source) ? 0 : TIMER_I_UDP, () => this.transition('terminated'));
  }

  /** Ends the transaction at once (shutdown). Idempotent. */
  close(): void {
    if (this.#state !== 'terminated') this.transition('terminated');
  }

  #scheduleG(): void {
    this.#after(this.#retransmitEvery, () => {
      if (this.#state !== 'completed' || !this.#last) return;
      this.#deps.transport.send(this.#last, this.source);
      this.#retransmitEvery = Math.min(2 * this.#retransmitEvery, T2);
      this.#scheduleG();
    });
  }

  #after(ms: number, fn: () => void): void {
    this.#timers.push(this.#deps.clock.setTimeout(fn, ms));
  }

  #clearTimers(): void {
    for (const t of this.#timers) this.#deps.clock.clearTimeout(t);
    this.#timers = [];
  }
}

/**
 * A non-INVITE server transaction (OPTIONS, BYE, INFO, CANCEL…): absorbs
 * retransmitted requests by resending the last response, and lingers in
 * Completed for Timer J over UDP.
 */
export class NonInviteServerTransaction {
  readonly key: string;
  readonly request: SipRequest;
  readonly source: Peer;
  #state: NonInviteServerState = 'trying';
  #last: Buffer | null = null;
  #timer: TimerHandle | null = null;
  readonly #deps: Deps;

  constructor(key: string, request: SipRequest, source: Peer, deps: Deps) {
    this.key = key;
    this.request = request;
    this.source = source;
    this.#deps = deps;
  }

  get state(): NonInviteServerState {
    return this.#state;
  }

  transition(to: NonInviteServerState): void {
    assertMove('non-INVITE server transaction', NON_INVITE_MOVES, this.#state, to);
    this.#state = to;
    if (to === 'terminated') {
      if (this.#timer) this.#deps.clock.clearTimeout(this.#timer);
      this.#timer = null;
      this.#deps.onTerminated(this.key);
    }
  }

  respond(status: number, data: Buffer): void {
    if (this.#state === 'completed' || this.#state === 'terminated') return;
    this.#last = data;
    this.#deps.transport.send(data, this.source);
    if (status < 200) {
      if (this.#state === 'trying') this.transition('proceeding');
      return;
    }
    this.transition('completed');
    // RFC 3261 §17.2.2: "When the server transaction enters the 'Completed' state, it MUST set Timer J to fire
    // in 64*T1 seconds for unreliable transports, and zero seconds for reliable transports."
    this.#timer = this.#deps.clock.setTimeout(() => this.transition('terminated'), isReliable(this.source) ? 0 : TIMER_J_UDP);
  }

  retransmission(): void {
    if ((this.#state === 'proceeding' || this.#state === 'completed') && this.#last) this.#deps.transport.send(this.#last, this.source);
  }

  close(): void {
    if (this.#state !== 'terminated') this.transition('terminated');
  }
}
