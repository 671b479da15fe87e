import { randomInt } from 'node:crypto';
import type { PromptAudio } from '../../speech/index.ts';
import { InbandDtmfDetector } from '../media/dtmf/goertzel.ts';
import { answerAudioOffer } from '../media/sdp/offer-answer.ts';
import type { MediaFactory } from '../sip/ua/media-port.ts';
import { MediaClock } from './media-clock.ts';
import { RtpSession } from './rtp-session.ts';

export interface RtpMediaOptions {
  /** Address RTP binds to and that the SDP answer advertises. */
  host: string;
  advertisedHost?: string;
  ports: { min: number; max: number };
  prompts: Pick<PromptAudio, 'getPromptAudio'>;
}

/**
 * Media for SIP calls: one RTP session per call, all paced by the process's
 * single media clock, with prompt audio from the speech context.
 */
export function createRtpMedia(opts: RtpMediaOptions): MediaFactory & { readonly clock: MediaClock } {
  const clock = new MediaClock();
  const advertised = opts.advertisedHost ?? opts.host;
  return {
    clock,
    create: () => {
      const sessionId = String(randomInt(1, 2 ** 47));
      let version = 0;
      return RtpSession.open(opts.host, opts.ports, {
        clock,
        negotiate: (offer, local) => {
          const answer = answerAudioOffer(offer, {
            origin: { username: 'clave', sessionId, sessionVersion: String(version++), address: advertised },
            local: { address: advertised, port: local.port },
          });
          return answer.ok ? answer : null;
        },
        audio: (prompt, language) => opts.prompts.getPromptAudio({ id: prompt.id, text: prompt.text, params: prompt.params, language }),
        inband: () => new InbandDtmfDetector(),
      });
    },
  };
}
