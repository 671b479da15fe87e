import type { TimerHandle } from '../../../shared/index.ts';
import { getHeader, getHeaders, serializeMessage } from '../grammar/index.ts';
import type { SipRequest, SipResponse } from '../grammar/message.ts';
import { assertMove } from './moves.ts';
import { TIMER_B, TIMER_D_UDP, TIMER_M, T1 } from './timers.ts';
import { isReliable, type Peer, type TransactionDeps } from './transport.ts';

export type InviteClientState = 'calling' | 'proceeding' | 'accepted' | 'completed' | 'terminated';

const MOVES: Record<InviteClientState, readonly InviteClientState[]> = {
  // RFC 3261 §17.1.1 (Figure 5) with RFC 6026 §7.2's Accepted state for 2xx.
  calling: ['proceeding', 'accepted', 'completed', 'terminated'],
  proceeding: ['accepted', 'completed', 'terminated'],
  accepted: ['terminated'],
  completed: ['terminated'],
  terminated: [],
};

/**
 * The INVITE client transaction (the call-back's INVITE). Over UDP it
 * retransmits on Timer A (T1, doubling) until a response; Timer B gives up
 * with `onTimeout`. Every response goes to `onResponse`, the TU's: a
 * provisional, the 2xx (and, in Accepted, the 2xx's retransmissions, which
 * the TU acknowledges again: RFC 6026 §8.4), or the final non-2xx, which the
 * transaction acknowledges itself (RFC 3261 §17.1.1.3) and absorbs when it
 * comes again.
 *
 * @example
 *   const tx = layer.sendInvite(invite, trunk);
 *   tx.onResponse = (r) => (r.status >= 200 && r.status < 300 ? confirm(r) : note(r));
 */
export class InviteClientTransaction {
  readonly key: string;
  readonly request: SipRequest;
  readonly to: Peer;
  onResponse: (response: SipResponse) => void = () => {};
  onTimeout: () => void = () => {};
  #state: InviteClientState = 'calling';
  #timers: TimerHandle[] = [];
  #ack: Buffer | null = null;
  readonly #data: Buffer;
  readonly #deps: TransactionDeps;

  constructor(key: string, request: SipRequest, to: Peer, deps: TransactionDeps) {
    this.key = key;
    this.request = request;
    this.to = to;
    this.#data = serializeMessage(request);
    this.#deps = deps;
  }

  /** The INVITE's size on the wire, in bytes. */
  get size(): number {
    return this.#data.length;
  }

  get state(): InviteClientState {
    return this.#state;
  }

  start(): void {
    this.#deps.transport.send(this.#data, this.to);
    // §17.1.1.2: "If an unreliable transport is being used, the client transaction MUST start timer A with a value of T1."
    if (!isReliable(this.to)) this.#retransmitAfter(T1);
    // "For any transport, the client transaction MUST start timer B with a value of 64*T1 seconds."
    this.#after(TIMER_B, () => {
      if (this.#state !== 'calling') return;
      this.transition('terminated');
      this.onTimeout();
    });
  }

  transition(to: InviteClientState): void {
    assertMove('INVITE client transaction', MOVES, this.#state, to);
    this.#state = to;
    if (to === 'terminated') {
      this.#clearTimers();
      this.#deps.onTerminated(this.key);
    }
  }

  receive(response: SipResponse): void {
    const status = response.status;
    switch (this.#state) {
      case 'calling':
      case 'proceeding':
        if (status < 200) {
          // §17.1.1.2: a provisional stops the retransmissions (Timer A); Timer B no longer applies either.
          if (this.#state === 'calling') {
            this.#clearTimers();
            this.transition('proceeding');
          }
          this.onResponse(response);
          return;
        }
        this.#clearTimers();
        if (status < 300) {
          // RFC 6026 §7.2: a 2xx moves to Accepted, where Timer M keeps absorbing the 2xx's retransmissions for the TU.
          this.transition('accepted');
          this.#after(TIMER_M, () => this.transition('terminated'));
          this.onResponse(response);
          return;
        }
        // §17.1.1.2: a final non-2xx "MUST" be acknowledged by the transaction, which waits Timer D for its retransmissions.
        this.#ack = serializeMessage(ackForFailure(this.request, response));
        this.#deps.transport.send(this.#ack, this.to);
        this.transition('completed');
        this.#after(isReliable(this.to) ? 0 : TIMER_D_UDP, () => this.transition('terminated'));
        this.onResponse(response);
        return;
      case 'accepted':
        // RFC 6026 §7.2: "Any 2xx responses that match this client transaction and that are received while in the
        // 'Accepted' state MUST be passed up to the TU"; anything else is dropped.
        if (status >= 200 && status < 300) this.onResponse(response);
        return;
      case 'completed':
        // §17.1.1.2: "Any retransmissions of the final response that are received while in the 'Completed' state
        // MUST cause the ACK to be re-passed to the transport layer for retransmission, but the newly received
        // response MUST NOT be passed up to the TU."
        if (status >= 300 && this.#ack) this.#deps.transport.send(this.#ack, this.to);
        return;
      case 'terminated':
        return;
    }
  }

  close(): void {
    if (this.#state !== 'terminated') this.transition('terminated');
  }

  #retransmitAfter(interval: number): void {
    this.#after(interval, () => {
      if (this.#state !== 'calling') return;
      this.#deps.transport.send(this.#data, this.to);
      // §17.1.1.2: "the client transaction MUST reset the timer with a value of 2*T1", doubling each time (no T2 cap for INVITE).
      this.#retransmitAfter(2 * interval);
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
 * The ACK for a final non-2xx response (RFC 3261 §17.1.1.3): the INVITE's
 * Request-URI, Call-ID, From, CSeq number (method ACK), top Via only and
 * Route headers, with the response's To (it carries the UAS's tag).
 */
export function ackForFailure(invite: SipRequest, response: SipResponse): SipRequest {
  const via = getHeader(invite, 'via') ?? '';
  const seq = (getHeader(invite, 'cseq') ?? '1').trim().split(/\s+/, 1)[0] ?? '1';
  const headers: [string, string][] = [
    ['Via', via],
    ['Max-Forwards', '70'],
    ['From', getHeader(invite, 'from') ?? ''],
    ['To', getHeader(response, 'to') ?? getHeader(invite, 'to') ?? ''],
    ['Call-ID', getHeader(invite, 'call-id') ?? ''],
    ['CSeq', `${seq} ACK`],
    ...getHeaders(invite, 'route').map((r): [string, string] => ['Route', r]),
  ];
  return { kind: 'request', method: 'ACK', uri: invite.uri, rawUri: invite.rawUri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}

/**
 * The CANCEL for an INVITE (RFC 3261 §9.1): "The Request-URI, Call-ID, To,
 * the numeric part of CSeq, and From header fields in the CANCEL request
 * MUST be identical to those in the request being cancelled, including
 * tags", its single Via is the INVITE's top Via (same branch), and it
 * carries the INVITE's Route headers.
 */
export function cancelFor(invite: SipRequest): SipRequest {
  const seq = (getHeader(invite, 'cseq') ?? '1').trim().split(/\s+/, 1)[0] ?? '1';
  const headers: [string, string][] = [
    ['Via', getHeader(invite, 'via') ?? ''],
    ['Max-Forwards', '70'],
    ['From', getHeader(invite, 'from') ?? ''],
    ['To', getHeader(invite, 'to') ?? ''],
    ['Call-ID', getHeader(invite, 'call-id') ?? ''],
    ['CSeq', `${seq} CANCEL`],
    ...getHeaders(invite, 'route').map((r): [string, string] => ['Route', r]),
  ];
  return { kind: 'request', method: 'CANCEL', uri: invite.uri, rawUri: invite.rawUri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}
