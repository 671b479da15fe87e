import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { ClaveError } from '../../shared/index.ts';

export interface PortPair {
  port: number;
  rtp: Socket;
  rtcp: Socket;
}

const ATTEMPTS = 50;

/**
 * Binds an RTP socket on a random even port in [min, max] and its RTCP
 * socket on the next one. RFC 3550 §11: "RTP SHOULD use an even destination
 * port number and the corresponding RTCP stream SHOULD use the next higher
 * (odd) destination port number"; a peer that sees no a=rtcp (RFC 3605) in
 * our answer sends its RTCP there. Throws `MEDIA_PORTS_EXHAUSTED` when no
 * pair is free after a few random tries.
 *
 * @example
 *   const { port, rtp, rtcp } = await bindPortPair('192.0.2.10', { min: 20000, max: 29999 });
 */
export async function bindPortPair(host: string, range: { min: number; max: number }): Promise<PortPair> {
  const first = range.min + (range.min % 2);
  const pairs = Math.floor((range.max - first - 1) / 2) + 1;
  if (pairs < 1) throw new ClaveError('MEDIA_PORTS_EXHAUSTED', 'The RTP port range holds no even/odd port pair', { min: range.min, max: range.max });
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = first + 2 * randomInt(0, pairs);
    const rtp = await bind(host, port);
    if (!rtp) continue;
    const rtcp = await bind(host, port + 1);
    if (rtcp) return { port, rtp, rtcp };
    rtp.close();
  }
  throw new ClaveError('MEDIA_PORTS_EXHAUSTED', 'No free RTP/RTCP port pair', { min: range.min, max: range.max });
}

function bind(host: string, port: number): Promise<Socket | null> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  return new Promise((resolve) => {
    const failed = () => {
      socket.close();
      resolve(null);
    };
    socket.once('error', failed);
    socket.bind(port, host, () => {
      socket.off('error', failed);
      resolve(socket);
    });
  });
}
