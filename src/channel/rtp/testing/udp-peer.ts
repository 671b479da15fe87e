import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { isRtcpPacket, parseRtcp, parseRtp, type RtcpPacket, type RtpPacket } from '../../media/index.ts';

export interface Received {
  at: number;
  data: Buffer;
  from: { address: string; port: number };
}

/**
 * A loopback UDP socket that records what arrives, for tests that play the
 * far end of an RTP session without SIP.
 *
 * @example
 *   const peer = await UdpPeer.open();
 *   await peer.waitFor((p) => p.rtp().length >= 10);
 *   peer.rtp()[0]!.packet.sequenceNumber;
 */
export class UdpPeer {
  readonly socket: Socket;
  readonly port: number;
  readonly received: Received[] = [];

  private constructor(socket: Socket, port: number) {
    this.socket = socket;
    this.port = port;
    socket.on('message', (data, rinfo) => this.received.push({ at: performance.now(), data: Buffer.from(data), from: { address: rinfo.address, port: rinfo.port } }));
  }

  /** Binds 127.0.0.1 on `port` (default: any free one). */
  static async open(port = 0): Promise<UdpPeer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => resolve());
    });
    return new UdpPeer(socket, socket.address().port);
  }

  /** The RTP packets received, parsed, with their arrival times. */
  rtp(): { at: number; packet: RtpPacket }[] {
    return this.received.filter((r) => !isRtcpPacket(r.data)).map((r) => ({ at: r.at, packet: parseRtp(r.data) }));
  }

  /** The RTCP compound packets received, parsed. */
  rtcp(): { at: number; packets: RtcpPacket[]; from: Received['from'] }[] {
    return this.received.filter((r) => isRtcpPacket(r.data)).map((r) => ({ at: r.at, packets: parseRtcp(r.data), from: r.from }));
  }

  send(data: Buffer, port: number): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(data, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  }

  /** Polls until `ready(this)` holds; fails after `ms`. */
  async waitFor(ready: (peer: UdpPeer) => boolean, ms = 3000): Promise<void> {
    const until = performance.now() + ms;
    while (!ready(this)) {
      if (performance.now() > until) throw new Error(`UdpPeer: condition not met in ${ms} ms (${this.received.length} datagrams)`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.socket.close();
  }
}

/** A far end with RTP on an even port and RTCP on the next, as RFC 3550 §11 has it. */
export async function openPeerPair(): Promise<{ rtp: UdpPeer; rtcp: UdpPeer }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 50_000 + 2 * Math.floor(Math.random() * 5000);
    const rtp = await UdpPeer.open(port).catch(() => null);
    if (!rtp) continue;
    const rtcp = await UdpPeer.open(port + 1).catch(() => null);
    if (rtcp) return { rtp, rtcp };
    rtp.close();
  }
  throw new Error('no free port pair');
}
