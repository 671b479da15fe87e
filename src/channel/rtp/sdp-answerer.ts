import { randomInt } from 'node:crypto';
import { answerAudioOffer, attributeValue, mediaConnection, parseSdp, type SessionDescription } from '../media/index.ts';
import type { Negotiated } from './rtp-stream.ts';

/**
 * One call's SDP answerer (RFC 3264): pure, so it runs on the main thread
 * whichever thread sends the call's RTP. Each answer carries the same
 * o= session id and the next version (RFC 4566 §5.2: the version changes
 * with every modified description).
 *
 * @example
 *   const answer = sdpAnswerer('192.0.2.10');
 *   const negotiated = answer(offerSdp, { address: '192.0.2.10', port: 20002 }); // null → 488
 */
export function sdpAnswerer(advertised: string): (offerSdp: string, local: { address: string; port: number }) => Negotiated | null {
  const sessionId = String(randomInt(1, 2 ** 47));
  let version = 0;
  return (offer, local) => {
    let sdp: SessionDescription;
    try {
      sdp = parseSdp(offer);
    } catch {
      // MALFORMED_SDP: nothing we can answer; the UAS says 488 and closes the media.
      return null;
    }
    const answer = answerAudioOffer(sdp, {
      origin: { username: 'clave', sessionId, sessionVersion: String(version++), address: advertised },
      local: { address: advertised, port: local.port },
    });
    return answer.ok ? { ...answer, rtcp: offeredRtcp(sdp, answer.mediaIndex) } : null;
  };
}

/**
 * RFC 3605 §2.1: `a=rtcp:<port> [IN IP4 <address>]` says where the peer
 * wants RTCP when it is not on the RTP port + 1 (a NAT, or a port pair it
 * could not get); without the address, the stream's connection address.
 */
function offeredRtcp(sdp: SessionDescription, mediaIndex: number): Negotiated['rtcp'] {
  const media = sdp.media[mediaIndex];
  const value = media ? attributeValue(media.attributes, 'rtcp') : undefined;
  const m = value ? /^(\d{1,5})(?:\s+IN\s+IP[46]\s+(\S+))?\s*$/i.exec(value) : null;
  if (!media || !m) return null;
  const port = Number(m[1]);
  const address = m[2] ?? mediaConnection(sdp, media)?.address.split('/', 1)[0];
  return port > 0 && port < 65536 && address ? { address, port } : null;
}
