import type { Clock } from '../../../shared/index.ts';
import { parseMessage } from '../grammar/index.ts';
import type { SipMessage, SipRequest, SipResponse } from '../grammar/message.ts';
import type { Peer, SipTransport } from './transport.ts';

export interface SentMessage {
  data: Buffer;
  to: Peer;
  message: SipMessage;
  /** The clock's time when it was sent (0 without a clock). */
  at: number;
}

/**
 * A SipTransport that keeps what it is given instead of sending it: the
 * in-memory peer of the transaction and UA tests. Every message is parsed
 * back with the grammar, so a test reads what a real peer would receive and
 * a message the grammar cannot read fails the test at once.
 *
 * @example
 *   const wire = new MemoryTransport(clock);
 *   layer = new TransactionLayer({ clock, transport: wire, tu });
 *   layer.receive({ message: invite, source: CALLER });
 *   wire.responses().map((r) => r.status); // [100, 200]
 */
export class MemoryTransport implements SipTransport {
  readonly sent: SentMessage[] = [];
  readonly #clock: Clock | undefined;

  constructor(clock?: Clock) {
    this.#clock = clock;
  }

  send(data: Buffer, to: Peer): void {
    const parsed = parseMessage(data);
    if (!parsed.ok) throw new Error(`sent an unparsable message (${parsed.error.code}: ${parsed.error.message}):\n${data.toString()}`);
    this.sent.push({ data, to, message: parsed.message, at: this.#clock?.now() ?? 0 });
  }

  responses(): SipResponse[] {
    return this.sent.flatMap((s) => (s.message.kind === 'response' ? [s.message] : []));
  }

  requests(method?: string): SipRequest[] {
    return this.sent.flatMap((s) => (s.message.kind === 'request' && (method === undefined || s.message.method === method) ? [s.message] : []));
  }

  /** Times (relative to `since`) at which messages were sent. */
  times(since = 0): number[] {
    return this.sent.map((s) => s.at - since);
  }

  clear(): void {
    this.sent.length = 0;
  }
}
