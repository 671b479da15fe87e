import WebSocket from 'ws';
import { ClaveError, systemClock, type Clock, type TimerHandle } from '../../shared/index.ts';
import type { CallEvent, CallResult } from './call-result.ts';
import { frameText, parseServerMessage } from './parse-message.ts';
import type { ClientMessage, ServerMessage } from './protocol.ts';
import { softphoneUrl } from './softphone-url.ts';

export interface DialOptions {
  /** http(s) or ws(s) base URL of the Clave server; "/softphone" is appended. */
  server: string;
  from: string;
  to: string;
  /** The call is hung up and fails with TIMEOUT after this long; 0 or absent: no limit. */
  timeoutMs?: number;
  clock?: Clock;
  /** Every line message but `ended` and `error` (those settle `result`), in order; drivers answer `listen` here. */
  onMessage?: (msg: ServerMessage, call: SoftphoneCall) => void;
  /** Every event as it is recorded; transcripts print here. */
  onEvent?: (event: CallEvent, call: SoftphoneCall) => void;
}

const KEY = /^[0-9*#A-D]$/;

/**
 * The caller's side of one softphone call. `result` resolves when the line
 * sends `ended`; it rejects with ClaveError UNREACHABLE (no connection),
 * PROTOCOL_ERROR (the line broke the protocol, reported an error or closed
 * early), TIMEOUT or CLOSED (abandoned). The message names the URL.
 *
 * @example
 *   const call = SoftphoneCall.dial({ server: 'http://127.0.0.1:8080', from: '+34600111222', to: '950183313',
 *     onMessage: (msg, c) => { if (msg.type === 'listen') c.pressKey('1'); } });
 *   const { outcome, events } = await call.result;
 */
export class SoftphoneCall {
  readonly url: string;
  readonly events: CallEvent[] = [];
  readonly result: Promise<CallResult>;
  readonly #opts: DialOptions;
  readonly #clock: Clock;
  readonly #socket: WebSocket;
  #resolve!: (r: CallResult) => void;
  #reject!: (err: ClaveError) => void;
  #settled = false;
  #opened = false;
  #hungUp = false;
  #timer: TimerHandle | undefined;
  /** Frames written before the socket opened. */
  #unsent: ClientMessage[] = [];

  static dial(opts: DialOptions): SoftphoneCall {
    return new SoftphoneCall(opts);
  }

  private constructor(opts: DialOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
    this.url = softphoneUrl(opts.server);
    this.result = new Promise<CallResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    if (opts.timeoutMs) {
      const seconds = opts.timeoutMs / 1000;
      this.#timer = this.#clock.setTimeout(() => {
        this.hangup();
        this.#fail('TIMEOUT', `the call to ${opts.to} on ${this.url} did not end within ${seconds} s: hung up`);
      }, opts.timeoutMs);
    }
    this.#socket = new WebSocket(this.url);
    this.#socket.on('open', () => this.#onOpen());
    this.#socket.on('message', (data, isBinary) => this.#onFrame(isBinary ? '' : frameText(data)));
    this.#socket.on('error', (err) =>
      this.#fail(this.#opened ? 'PROTOCOL_ERROR' : 'UNREACHABLE', `${this.#opened ? 'lost' : 'cannot reach'} ${this.url}: ${err.message}`),
    );
    this.#socket.on('close', (code, reason) =>
      this.#fail('PROTOCOL_ERROR', `${this.url} closed the connection before the call ended (code ${code}${reason.length > 0 ? `, ${String(reason)}` : ''})`),
    );
  }

  /** Sends one key (0-9 * # A-D) and records it. Ignored once the caller hung up. */
  pressKey(key: string): void {
    if (!KEY.test(key)) throw new ClaveError('INVALID_ARGUMENT', `not a phone key: ${JSON.stringify(key)}`);
    if (this.#hungUp || this.#settled) return;
    this.#send({ type: 'keys', value: key });
    this.#record({ type: 'keys', value: key });
  }

  /** The caller hangs up; `result` still waits for the line's `ended`. Idempotent. */
  hangup(): void {
    if (this.#hungUp || this.#settled) return;
    this.#hungUp = true;
    this.#send({ type: 'hangup' });
    this.#record({ type: 'hangup', by: 'caller' });
  }

  get hungUp(): boolean {
    return this.#hungUp;
  }

  /** Gives up without waiting for `ended`: result rejects with CLOSED. Idempotent. */
  abandon(): void {
    this.#fail('CLOSED', `abandoned the call on ${this.url} before the line ended it`);
  }

  #onOpen(): void {
    this.#opened = true;
    this.#write({ type: 'dial', from: this.#opts.from, to: this.#opts.to });
    for (const msg of this.#unsent.splice(0)) this.#write(msg);
  }

  #onFrame(text: string): void {
    if (this.#settled) return;
    const parsed = parseServerMessage(text);
    if (!parsed.ok) {
      this.#fail('PROTOCOL_ERROR', `${this.url} sent a message this client does not understand: ${parsed.message}`);
      return;
    }
    const msg = parsed.msg;
    switch (msg.type) {
      case 'prompt':
        this.#record({ type: 'prompt', id: msg.id, text: msg.text, params: msg.params });
        break;
      case 'transfer':
        this.#record({ type: 'transfer', target: msg.target });
        break;
      case 'hangup':
        this.#record({ type: 'hangup', by: 'line' });
        break;
      case 'error':
        this.#fail('PROTOCOL_ERROR', `${this.url} reported ${msg.code}: ${msg.message}`);
        return;
      case 'ended':
        this.#settle();
        this.#resolve({ callId: msg.callId, outcome: msg.outcome, language: msg.language, events: this.events });
        return;
      case 'answered':
      case 'listen':
        break;
    }
    this.#opts.onMessage?.(msg, this);
  }

  #record(event: CallEvent): void {
    this.events.push(event);
    this.#opts.onEvent?.(event, this);
  }

  #send(msg: ClientMessage): void {
    if (this.#opened) this.#write(msg);
    else this.#unsent.push(msg);
  }

  #write(msg: ClientMessage): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(msg));
  }

  #fail(code: 'UNREACHABLE' | 'PROTOCOL_ERROR' | 'TIMEOUT' | 'CLOSED', message: string): void {
    if (this.#settled) return;
    this.#settle();
    this.#reject(new ClaveError(code, message, { url: this.url }));
  }

  #settle(): void {
    this.#settled = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const state = this.#socket.readyState;
    if (state === WebSocket.OPEN) this.#socket.close(1000);
    else if (state === WebSocket.CONNECTING) this.#socket.terminate();
  }
}
