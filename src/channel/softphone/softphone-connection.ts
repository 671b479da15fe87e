import type { RawData, WebSocket } from 'ws';
import { isClaveError, type Clock, type TimerHandle } from '../../shared/index.ts';
import type { LineLike, SoftphoneCallInput } from './line-like.ts';
import { frameText, parseClientMessage } from './parse-message.ts';
import type { ClientMessage, ServerMessage, SoftphoneErrorCode } from './protocol.ts';
import { SoftphoneChannel } from './softphone-channel.ts';

/** RFC 6455 §7.4.1 status codes used when the line closes the socket. */
const NORMAL = 1000;
const POLICY_VIOLATION = 1008;
const INTERNAL_ERROR = 1011;
/** IANA WebSocket close code 1013 "Try Again Later": the line is full or stopping, not broken. */
const TRY_AGAIN_LATER = 1013;
const OPEN = 1; // WebSocket.OPEN, without importing ws at runtime

/** What a connection logs with: only codes and ids, never frames (keys carry PINs). */
export interface ConnectionLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ConnectionDeps {
  clock: Clock;
  dialTimeoutMs: number;
  log: ConnectionLog;
}

/**
 * One caller on the softphone: waits for `dial`, starts a call on the line,
 * relays keys and hang-ups to the session and the session's effects to the
 * caller, and sends `ended` once the session has recorded the outcome.
 *
 * Until the line has answered (startCall may be async), what the session
 * sends waits in `#outbox` so that `answered` comes first, and what the
 * caller sends waits in `#pending`.
 *
 * @example
 *   app.get('/softphone', { websocket: true }, (socket) => new SoftphoneConnection(socket, line, deps));
 */
export class SoftphoneConnection {
  readonly #socket: WebSocket;
  readonly #line: LineLike;
  readonly #log: ConnectionLog;
  readonly #clock: Clock;
  readonly #channel: SoftphoneChannel;
  #dialTimer: TimerHandle | undefined;
  #dialed = false;
  #over = false;
  #callerHungUp = false;
  #input: SoftphoneCallInput | undefined;
  #pending: Array<(input: SoftphoneCallInput) => void> = [];
  #outbox: ServerMessage[] = [];

  constructor(socket: WebSocket, line: LineLike, deps: ConnectionDeps) {
    this.#socket = socket;
    this.#line = line;
    this.#log = deps.log;
    this.#clock = deps.clock;
    this.#channel = new SoftphoneChannel(
      (msg) => this.#fromLine(msg),
      (playId) => this.#deliver((input) => input.promptEnded(playId)),
    );
    // Handlers go on synchronously: a frame sent right after the upgrade must not be lost.
    socket.on('message', (data, isBinary) => this.#onFrame(data, isBinary));
    socket.on('close', () => this.#onClose());
    socket.on('error', (err) => this.#log.warn({ err: err.message }, 'softphone socket error'));
    this.#dialTimer = deps.clock.setTimeout(() => this.#fail('DIAL_TIMEOUT', 'no dial message in time', POLICY_VIOLATION), deps.dialTimeoutMs);
  }

  #onFrame(data: RawData, isBinary: boolean): void {
    if (this.#over) return;
    const parsed = isBinary ? ({ ok: false, message: 'send JSON in text frames' } as const) : parseClientMessage(frameText(data));
    if (!this.#dialed) {
      if (parsed.ok && parsed.msg.type === 'dial') this.#dial(parsed.msg.from, parsed.msg.to);
      else this.#fail('DIAL_FIRST', `the first message must be {"type":"dial","from":…,"to":…}${parsed.ok ? '' : `: ${parsed.message}`}`, POLICY_VIOLATION);
      return;
    }
    if (!parsed.ok) {
      this.#write({ type: 'error', code: 'BAD_MESSAGE' satisfies SoftphoneErrorCode, message: parsed.message });
      return;
    }
    this.#onMessage(parsed.msg);
  }

  #onMessage(msg: ClientMessage): void {
    switch (msg.type) {
      case 'dial':
        this.#write({ type: 'error', code: 'ALREADY_DIALED' satisfies SoftphoneErrorCode, message: 'this call is already dialed' });
        return;
      case 'keys':
        for (const key of msg.value) this.#deliver((input) => input.digit(key));
        return;
      case 'hangup':
        this.#callerHangup();
        return;
    }
  }

  #dial(from: string, to: string): void {
    this.#dialed = true;
    this.#clearDialTimer();
    const started = new Promise<SoftphoneCallInput>((resolve) => resolve(this.#line.startCall({ channel: this.#channel, from, to })));
    void started.then(
      (input) => this.#answered(input),
      (err: unknown) => this.#refused(err),
    );
  }

  #answered(input: SoftphoneCallInput): void {
    this.#input = input;
    this.#write({ type: 'answered', callId: input.callId });
    for (const msg of this.#outbox.splice(0)) this.#write(msg);
    for (const fn of this.#pending.splice(0)) this.#call(fn, input);
    void input.ended.then(
      ({ outcome, language }) => {
        this.#write({ type: 'ended', callId: input.callId, outcome, language });
        this.#close(NORMAL);
      },
      (err: unknown) => {
        this.#log.error({ callId: input.callId, err: loggable(err) }, 'softphone call failed');
        this.#fail('CALL_FAILED', 'the call failed on the line', INTERNAL_ERROR);
      },
    );
  }

  #refused(err: unknown): void {
    this.#pending = [];
    this.#outbox = [];
    // A ClaveError's message is safe to show (the rules keep secrets out of them); anything else is a bug.
    if (isClaveError(err)) {
      this.#fail(err.code, err.message, isClaveError(err, 'AT_CAPACITY') || isClaveError(err, 'DRAINING') ? TRY_AGAIN_LATER : INTERNAL_ERROR);
      return;
    }
    this.#log.error({ err: loggable(err) }, 'softphone startCall failed');
    this.#fail('CALL_FAILED', 'the line could not take the call', INTERNAL_ERROR);
  }

  #fromLine(msg: ServerMessage): void {
    if (this.#input) this.#write(msg);
    else this.#outbox.push(msg);
  }

  #deliver(fn: (input: SoftphoneCallInput) => void): void {
    if (this.#input) this.#call(fn, this.#input);
    else if (this.#dialed) this.#pending.push(fn);
  }

  /** The session's handlers are not ours to crash the server with. */
  #call(fn: (input: SoftphoneCallInput) => void, input: SoftphoneCallInput): void {
    try {
      fn(input);
    } catch (err) {
      this.#log.error({ callId: input.callId, err: loggable(err) }, 'softphone session handler threw');
    }
  }

  #callerHangup(): void {
    if (this.#callerHungUp) return;
    this.#callerHungUp = true;
    this.#deliver((input) => input.hangup());
  }

  #onClose(): void {
    this.#clearDialTimer();
    this.#channel.close();
    const wasOver = this.#over;
    this.#over = true;
    // A dropped socket is the caller hanging up; after `ended` there is nobody left to tell.
    if (this.#dialed && !wasOver) this.#callerHangup();
  }

  #fail(code: string, message: string, closeCode: number): void {
    this.#write({ type: 'error', code, message });
    this.#close(closeCode);
  }

  #close(code: number): void {
    this.#over = true;
    this.#clearDialTimer();
    this.#channel.close();
    if (this.#socket.readyState === OPEN) this.#socket.close(code);
  }

  #clearDialTimer(): void {
    if (this.#dialTimer) this.#clock.clearTimeout(this.#dialTimer);
    this.#dialTimer = undefined;
  }

  /** Never throws: a closed socket simply drops the message. */
  #write(msg: ServerMessage): void {
    if (this.#socket.readyState !== OPEN) return;
    try {
      this.#socket.send(JSON.stringify(msg));
    } catch (err) {
      this.#log.warn({ err: loggable(err) }, 'softphone send failed');
    }
  }
}

/** Errors are logged whole (by the rules their messages carry no secrets), frames never. */
function loggable(err: unknown): unknown {
  return isClaveError(err) ? err.code : err;
}
