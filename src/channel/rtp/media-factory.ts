import { randomInt } from 'node:crypto';
import type { PromptAudio } from '../../speech/index.ts';
import { answerAudioOffer, attributeValue, InbandDtmfDetector, mediaConnection, parseSdp, type SessionDescription } from '../media/index.ts';
import type { MediaFactory } from '../sip/ua/media-port.ts';
import { MediaClock } from './media-clock.ts';
import { RtpSession, type Negotiated } from './rtp-session.ts';

export interface RtpMediaOptions {
  /** Address RTP binds to and that the SDP answer advertises. */
  host: string;
  advertisedHost?: string;
  ports: { min: number; max: number };
  prompts: Pick<PromptAudio, 'getPromptAudio'>;
  /** A call's media tick threw (a bug); the other calls keep their pace. */
  onError?: (err: unknown) => void;
}

/**
 * Media for SIP calls: one RTP session per call, all paced by the process's
 * single media clock, with prompt audio from the speech context.
 *
 * @example
 *   const media = createRtpMedia({ host: '192.0.2.10', ports: { min: 20000, max: 29999 }, prompts: speech.prompts });
 *   const session = await media.create(callId);
 *   const answer = session.negotiate(offerSdp); // null → 488
 */
export function createRtpMedia(opts: RtpMediaOptions): MediaFactory & { readonly clock: MediaClock } {
  const clock = new MediaClock(opts.onError ? { onError: opts.onError } : {});
  const advertised = opts.advertisedHost ?? opts.host;
  return {
    clock,
    create: () => {
      const sessionId = String(randomInt(1, 2 ** 47));
      let version = 0;
      return RtpSession.open(opts.host, opts.ports, {
        clock,
        negotiate: (offer, local) => {
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
        },
        audio: (prompt, language) => opts.prompts.getPromptAudio({ id: prompt.id, text: prompt.text, params: prompt.params, language }),
        inband: () => new InbandDtmfDetector(),
      });
    },
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
