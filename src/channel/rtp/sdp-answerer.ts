import { randomInt } from 'node:crypto';
import { isClaveError } from '../../shared/index.ts';
import { answerAudioOffer, attributeValue, createAudioOffer, mediaConnection, parseSdp, readAudioAnswer, type SessionDescription } from '../media/index.ts';
import type { Negotiated, StreamParams } from './rtp-stream.ts';

/**
 * One call's o= line: a session id fixed for the call and a version that
 * goes up with every description we send, offer or answer (RFC 3264 §8:
 * the "o=" line of the new SDP "MUST be identical to that in the previous
 * SDP, except that the version in the origin field MUST increment by one").
 */
export interface SdpOriginCounter {
  readonly sessionId: string;
  /** The version for the next description, then one more. */
  next(): string;
}

/** @example const origin = sdpOrigin(); origin.next(); // '0', then '1' … */
export function sdpOrigin(): SdpOriginCounter {
  const sessionId = String(randomInt(1, 2 ** 47));
  let version = 0;
  return { sessionId, next: () => String(version++) };
}

/**
 * One call's SDP answerer (RFC 3264): pure, so it runs on the main thread
 * whichever thread sends the call's RTP. Each answer carries the same
 * o= session id and the next version (RFC 4566 §5.2: the version changes
 * with every modified description). Pass the `origin` the call's offerer
 * uses, so a re-INVITE answered after our own offer keeps the call's o=.
 *
 * @example
 *   const answer = sdpAnswerer('192.0.2.10');
 *   const negotiated = answer(offerSdp, { address: '192.0.2.10', port: 20002 }); // null → 488
 */
export function sdpAnswerer(advertised: string, origin: SdpOriginCounter = sdpOrigin()): (offerSdp: string, local: { address: string; port: number }) => Negotiated | null {
  return (offer, local) => {
    let sdp: SessionDescription;
    try {
      sdp = parseSdp(offer);
    } catch {
      // MALFORMED_SDP: nothing we can answer; the UAS says 488 and closes the media.
      return null;
    }
    const answer = answerAudioOffer(sdp, {
      origin: { username: 'clave', sessionId: origin.sessionId, sessionVersion: origin.next(), address: advertised },
      local: { address: advertised, port: local.port },
    });
    return answer.ok ? { ...answer, rtcp: peerRtcp(sdp, answer.mediaIndex) } : null;
  };
}

/** One call's side of an exchange where Clave offers (an outbound call): sdpOfferer. */
export interface SdpOfferer {
  /** Our offer for the session's local port; each one is a new version of the call's o=. */
  offer(local: { address: string; port: number }): string;
  /** What the callee's answer to the last offer settles; null when it is malformed or unusable (the UAC hangs up). */
  accept(answerSdp: string): StreamParams | null;
}

/**
 * One call's SDP offerer (RFC 3264 §5 and §7), pure like the answerer:
 * offers PCMU, PCMA and telephone-event at the advertised address, and
 * reads the callee's answer against the offer last made. The offer and any
 * later description share the call's o= session id; the version goes up.
 *
 * @example
 *   const offerer = sdpOfferer('192.0.2.10');
 *   const body = offerer.offer({ address: '192.0.2.10', port: 20002 }); // the INVITE's body
 *   const negotiated = offerer.accept(okBody); // null → ACK, then BYE
 */
export function sdpOfferer(advertised: string, origin: SdpOriginCounter = sdpOrigin()): SdpOfferer {
  let last: SessionDescription | null = null;
  return {
    offer: (local) => {
      const offer = createAudioOffer({
        origin: { username: 'clave', sessionId: origin.sessionId, sessionVersion: origin.next(), address: advertised },
        local: { address: advertised, port: local.port },
      });
      last = parseSdp(offer);
      return offer;
    },
    accept: (answerSdp) => {
      // An answer with no offer out is the caller's bug, not the callee's.
      if (last === null) throw new Error('sdpOfferer: accept() before offer()');
      try {
        const sdp = parseSdp(answerSdp);
        const answer = readAudioAnswer(sdp, last);
        if (!answer.ok) return null;
        const { codec, telephoneEvent, remote, direction } = answer;
        return { codec, telephoneEvent, remote, direction, rtcp: peerRtcp(sdp, answer.mediaIndex) };
      } catch (err) {
        // MALFORMED_SDP (a stream without c= too): nothing we can send to. Anything else is a bug.
        if (isClaveError(err, 'MALFORMED_SDP')) return null;
        throw err;
      }
    },
  };
}

/**
 * RFC 3605 §2.1: `a=rtcp:<port> [IN IP4 <address>]` says where the peer
 * wants RTCP when it is not on the RTP port + 1 (a NAT, or a port pair it
 * could not get); without the address, the stream's connection address.
 * The same in an offer and in an answer.
 */
function peerRtcp(sdp: SessionDescription, mediaIndex: number): Negotiated['rtcp'] {
  const media = sdp.media[mediaIndex];
  const value = media ? attributeValue(media.attributes, 'rtcp') : undefined;
  const m = value ? /^(\d{1,5})(?:\s+IN\s+IP[46]\s+(\S+))?\s*$/i.exec(value) : null;
  if (!media || !m) return null;
  const port = Number(m[1]);
  const address = m[2] ?? mediaConnection(sdp, media)?.address.split('/', 1)[0];
  return port > 0 && port < 65536 && address ? { address, port } : null;
}
