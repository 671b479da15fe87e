import { createServer, type Server, type Socket } from 'node:net';
import type { Peer, SipTransport } from '../core/transport.ts';

/** What the stream framer answers for the bytes received so far. */
export type FrameResult =
  | { kind: 'message'; consumed: number }
  | { kind: 'incomplete' }
  /** Framing is lost (bad Content-Length): the connection must close. */
  | { kind: 'broken'; consumed: number };

const MAX_BUFFER = 256 * 1024;
const IDLE_MS = 5 * 60_000;

/**
 * SIP over TCP (RFC 3261 §18.3): messages framed by Content-Length on a
 * byte stream. Responses go back on the connection the request came in on.
 * The framer is passed in (the grammar layer's), so this file only moves bytes.
 */
export class TcpTransport implements SipTransport {
  readonly #server: Server;
  readonly #connections = new Map<string, Socket>();
  #nextId = 1;
  #closed = false;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async listen(
    host: string,
    port: number,
    frame: (buf: Buffer) => FrameResult,
    onMessage: (data: Buffer, from: Peer, broken: boolean) => void,
  ): Promise<TcpTransport> {
    const server = createServer();
    const transport = new TcpTransport(server);
    server.on('connection', (socket) => transport.#accept(socket, frame, onMessage));
    server.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return transport;
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  #accept(socket: Socket, frame: (buf: Buffer) => FrameResult, onMessage: (data: Buffer, from: Peer, broken: boolean) => void): void {
    const id = `tcp-${this.#nextId++}`;
    this.#connections.set(id, socket);
    const peer: Peer = { protocol: 'tcp', address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0, connectionId: id };
    let buffer: Buffer = Buffer.alloc(0);
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      for (;;) {
        // RFC 3261 §7.5: CRLFs before a message are keep-alives; skip them.
        let start = 0;
        while (start < buffer.length && (buffer[start] === 0x0d || buffer[start] === 0x0a)) start++;
        if (start > 0) buffer = buffer.subarray(start);
        if (buffer.length === 0) break;
        const result = frame(buffer);
        if (result.kind === 'incomplete') {
          if (buffer.length > MAX_BUFFER) socket.destroy();
          break;
        }
        const message = buffer.subarray(0, result.consumed);
        buffer = buffer.subarray(result.consumed);
        onMessage(message, peer, result.kind === 'broken');
        if (result.kind === 'broken') {
          // The framing is lost: nothing after this point can be trusted.
          socket.end();
          break;
        }
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => this.#connections.delete(id));
  }

  send(data: Buffer, to: Peer): void {
    if (this.#closed) return;
    const socket = to.connectionId ? this.#connections.get(to.connectionId) : undefined;
    // A response for a closed connection is lost (RFC 3261 §18.2.2 would open a new one to the sent-by; callers of this line are clients that keep theirs).
    if (socket && !socket.destroyed) socket.write(data);
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const s of this.#connections.values()) s.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
