import type { PromptAudio } from '../../speech/index.ts';
import { InbandDtmfDetector } from '../media/index.ts';
import type { MediaFactory } from '../sip/ua/media-port.ts';
import { MediaClock, type MediaClockStats } from './media-clock.ts';
import { RtpSession } from './rtp-session.ts';
import { sdpAnswerer, sdpOfferer, sdpOrigin } from './sdp-answerer.ts';

export interface RtpMediaOptions {
  /** Address RTP binds to and that the SDP answer advertises. */
  host: string;
  advertisedHost?: string;
  ports: { min: number; max: number };
  prompts: Pick<PromptAudio, 'getPromptAudio'>;
  /** A call's media tick threw (a bug); the other calls keep their pace. */
  onError?: (err: unknown) => void;
}

/** The line's media runtime, whichever threads it runs on. */
export interface RtpMedia extends MediaFactory {
  /** The media clock's figures, for metrics (bench:sip). */
  readonly clock: MediaClockStats;
  /** Ends the runtime once the calls are closed (worker threads exit). Idempotent. */
  close(): Promise<void>;
}

/**
 * Media for SIP calls on the main thread (CLAVE_MEDIA_THREADS=0): one RTP
 * session per call, all paced by the process's single media clock, with
 * prompt audio from the speech context. createThreadedMedia is the same on
 * worker threads.
 *
 * @example
 *   const media = createRtpMedia({ host: '192.0.2.10', ports: { min: 20000, max: 29999 }, prompts: speech.prompts });
 *   const session = await media.create(callId);
 *   const answer = session.negotiate(offerSdp); // null → 488 (or session.offer() for a call we place)
 */
export function createRtpMedia(opts: RtpMediaOptions): RtpMedia & { readonly clock: MediaClock } {
  const clock = new MediaClock(opts.onError ? { onError: opts.onError } : {});
  const advertised = opts.advertisedHost ?? opts.host;
  return {
    clock,
    create: () => {
      // One o= per call, whichever side offers (RFC 3264 §8).
      const origin = sdpOrigin();
      return RtpSession.open(opts.host, opts.ports, {
        clock,
        negotiate: sdpAnswerer(advertised, origin),
        offerer: sdpOfferer(advertised, origin),
        audio: (prompt, language) => opts.prompts.getPromptAudio({ id: prompt.id, text: prompt.text, params: prompt.params, language: prompt.language ?? language }),
        inband: () => new InbandDtmfDetector(),
      });
    },
    close: () => {
      clock.stop();
      return Promise.resolve();
    },
  };
}
