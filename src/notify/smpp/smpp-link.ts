import type { Clock, TimerHandle } from '../../shared/index.ts';
import { makePdu, type SmppPdu, type SmppSession } from './smpp-lib.ts';

/** What became of a request: its response, or why none will come. */
export type LinkResponse =
  | { kind: 'resp'; pdu: SmppPdu }
  /** No response within the time allowed: the request may or may not have been acted on. */
  | { kind: 'timeout' }
  /** The connection ended while the request was outstanding. */
  | { kind: 'closed' }
  /** Nothing was written: the socket was not writable. */
  | { kind: 'unsent' };

export interface SmppLinkOptions {
  clock: Clock;
  responseTimeoutMs: number;
  enquireLinkMs: number;
  /** A request from the centre other than enquire_link and unbind; false sends generic_nack. */
  onRequest(pdu: SmppPdu): boolean;
  /** Called once, when the connection has ended for whatever reason. */
  onClose(reason: string): void;
}

interface Pending {
  resolve(response: LinkResponse): void;
  timer: TimerHandle;
}

// SMPP 3.4 §5.1.3 ESME_RINVCMDID: "Invalid Command ID".
const ESME_RINVCMDID = 0x03;

/**
 * One TCP connection to an SMS centre: requests matched to their responses
 * by sequence_number with a deadline each, the centre's enquire_link and
 * unbind answered, and our own enquire_link sent after a quiet spell
 * (SMPP 3.4 §4.11), a missing answer counting as a dead link. Binding,
 * reconnecting and windowing belong to the channel above.
 *
 * @example
 *   const link = new SmppLink(smpp.connect({ host, port }), { clock, responseTimeoutMs: 10_000, enquireLinkMs: 30_000, onRequest, onClose });
 *   if (await link.connected) await link.request(makePdu('bind_transceiver', { system_id, password }));
 */
export class SmppLink {
  readonly #session: SmppSession;
  readonly #options: SmppLinkOptions;
  readonly #pending = new Map<number, Pending>();
  #closed = false;
  #closeReason = 'closed';
  #lastReceived: number;
  #keepAlive: TimerHandle | null = null;
  #connectTimer: TimerHandle | null;
  #onConnected: (ok: boolean) => void = () => {};
  #closedPromise: Promise<void>;
  /** True once the TCP connection is up; false when it ended (or timed out) first. */
  readonly connected: Promise<boolean>;

  constructor(session: SmppSession, options: SmppLinkOptions) {
    this.#session = session;
    this.#options = options;
    this.#lastReceived = options.clock.now();
    this.connected = new Promise((resolve) => { this.#onConnected = resolve; });
    let markClosed = () => {};
    this.#closedPromise = new Promise((resolve) => { markClosed = resolve; });
    this.#connectTimer = options.clock.setTimeout(() => this.destroy('connect timeout'), options.responseTimeoutMs);
    session.on('connect', () => {
      this.#clearConnectTimer();
      this.#onConnected(true);
    });
    session.on('pdu', (pdu) => this.#receive(pdu));
    // The library stops reading after a framing error; the link is useless from then on.
    session.on('error', (err) => this.destroy(`socket error ${(err as NodeJS.ErrnoException).code ?? err.name}`));
    session.on('close', () => {
      this.#finish();
      markClosed();
    });
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Requests sent and not yet answered. */
  get outstanding(): number {
    return this.#pending.size;
  }

  /** Sends a request and resolves with its response or with why none came; never rejects. */
  request(pdu: SmppPdu, timeoutMs = this.#options.responseTimeoutMs): Promise<LinkResponse> {
    if (this.#closed || !this.#session.send(pdu)) return Promise.resolve({ kind: 'unsent' });
    const seq = pdu.sequence_number;
    return new Promise((resolve) => {
      const timer = this.#options.clock.setTimeout(() => {
        this.#pending.delete(seq);
        resolve({ kind: 'timeout' });
      }, timeoutMs);
      this.#pending.set(seq, { resolve, timer });
    });
  }

  /** Sends a response to one of the centre's requests. */
  respond(pdu: SmppPdu): void {
    if (!this.#closed) this.#session.send(pdu);
  }

  /** Starts the idle check once bound: enquire_link after enquireLinkMs without a PDU from the centre. */
  startKeepAlive(): void {
    this.#scheduleKeepAlive(this.#options.enquireLinkMs);
  }

  /** SMPP 3.4 §4.2: unbind, wait for unbind_resp (or the response timeout), then close the socket. */
  async unbind(): Promise<void> {
    if (this.#closed) return;
    await this.request(makePdu('unbind'));
    this.#session.close();
    const grace = this.#options.clock.setTimeout(() => this.destroy('unbind'), this.#options.responseTimeoutMs);
    await this.#closedPromise;
    this.#options.clock.clearTimeout(grace);
  }

  /** Drops the connection at once; outstanding requests resolve as `closed`. */
  destroy(reason: string): void {
    if (this.#closed) return;
    this.#closeReason = reason;
    this.#session.destroy();
    // 'close' follows from the socket; finishing here too keeps state right if it never does.
    this.#finish();
  }

  #receive(pdu: SmppPdu): void {
    this.#lastReceived = this.#options.clock.now();
    if (pdu.isResponse()) {
      const pending = this.#pending.get(pdu.sequence_number);
      if (!pending) return; // late, after its deadline
      this.#pending.delete(pdu.sequence_number);
      this.#options.clock.clearTimeout(pending.timer);
      pending.resolve({ kind: 'resp', pdu });
      return;
    }
    switch (pdu.command) {
      case 'enquire_link':
        this.respond(pdu.response());
        return;
      case 'unbind':
        // SMPP 3.4 §4.2: answer, then the centre closes; outstanding requests will never be answered.
        this.respond(pdu.response());
        this.#closeReason = 'unbound by the centre';
        this.#session.close();
        return;
      case 'alert_notification':
        return; // SMPP 3.4 §4.12: has no response
      default:
        if (!this.#options.onRequest(pdu)) {
          this.respond(makePdu('generic_nack', { command_status: ESME_RINVCMDID, sequence_number: pdu.sequence_number }));
        }
    }
  }

  #scheduleKeepAlive(ms: number): void {
    if (this.#closed) return;
    this.#keepAlive = this.#options.clock.setTimeout(() => void this.#checkIdle(), ms);
  }

  async #checkIdle(): Promise<void> {
    this.#keepAlive = null;
    const idle = this.#options.clock.now() - this.#lastReceived;
    if (idle < this.#options.enquireLinkMs) {
      this.#scheduleKeepAlive(this.#options.enquireLinkMs - idle);
      return;
    }
    const response = await this.request(makePdu('enquire_link'));
    if (response.kind === 'resp') this.#scheduleKeepAlive(this.#options.enquireLinkMs);
    else this.destroy('enquire_link unanswered');
  }

  #clearConnectTimer(): void {
    if (this.#connectTimer) this.#options.clock.clearTimeout(this.#connectTimer);
    this.#connectTimer = null;
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearConnectTimer();
    if (this.#keepAlive) this.#options.clock.clearTimeout(this.#keepAlive);
    this.#keepAlive = null;
    this.#onConnected(false);
    for (const pending of this.#pending.values()) {
      this.#options.clock.clearTimeout(pending.timer);
      pending.resolve({ kind: 'closed' });
    }
    this.#pending.clear();
    this.#options.onClose(this.#closeReason);
  }
}
