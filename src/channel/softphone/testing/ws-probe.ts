import WebSocket from 'ws';
import { frameText } from '../parse-message.ts';

/**
 * A raw WebSocket client for tests of the line side: sends frames as given
 * and hands back every frame the line sent, in order.
 *
 * @example
 *   const probe = await WsProbe.open('ws://127.0.0.1:8080/softphone');
 *   probe.send({ type: 'dial', from: '+34600111222', to: '950183313' });
 *   await probe.next(); // { type: 'answered', callId: 'fake-1' }
 */
export class WsProbe {
  readonly socket: WebSocket;
  /** Resolves with the close code once the socket has closed. */
  readonly closed: Promise<number>;
  #frames: unknown[] = [];
  #waiters: Array<(msg: unknown) => void> = [];

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      const msg: unknown = JSON.parse(frameText(data));
      const waiter = this.#waiters.shift();
      if (waiter) waiter(msg);
      else this.#frames.push(msg);
    });
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }

  static open(url: string): Promise<WsProbe> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const probe = new WsProbe(socket);
      socket.once('open', () => resolve(probe));
      socket.once('error', reject);
    });
  }

  send(msg: unknown): void {
    this.socket.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** The next frame from the line (rejects after 2 s so a hung test says what it waited for). */
  next(): Promise<unknown> {
    const queued = this.#frames.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame from the line within 2 s')), 2000);
      this.#waiters.push((msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
    });
  }

  /** Frames until one of `type` arrives, that one included. */
  async until(type: string): Promise<Array<{ type: string } & Record<string, unknown>>> {
    const seen: Array<{ type: string } & Record<string, unknown>> = [];
    for (;;) {
      const msg = (await this.next()) as { type: string } & Record<string, unknown>;
      seen.push(msg);
      if (msg.type === type) return seen;
    }
  }
}
