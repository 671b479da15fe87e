import { createSocket, type Socket } from 'node:dgram';
import type { Peer, SipTransport } from '../core/transport.ts';

/**
 * SIP over UDP (RFC 3261 §18): one datagram, one message. Responses go back
 * to the source address and port of the request (§18.2.2 with rport
 * symmetric behaviour, RFC 3581), which is what callers behind NAT need.
 */
export class UdpTransport implements SipTransport {
  readonly #socket: Socket;
  #closed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
  }

  static async listen(host: string, port: number, onDatagram: (data: Buffer, from: Peer) => void): Promise<UdpTransport> {
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });
    const transport = new UdpTransport(socket);
    socket.on('message', (data, rinfo) => onDatagram(data, { protocol: 'udp', address: rinfo.address, port: rinfo.port }));
    // A datagram error (ICMP unreachable surfacing as ECONNREFUSED…) must not kill the line.
    socket.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return transport;
  }

  get port(): number {
    return this.#socket.address().port;
  }

  send(data: Buffer, to: Peer): void {
    if (this.#closed) return;
    this.#socket.send(data, to.port, to.address);
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }
}
