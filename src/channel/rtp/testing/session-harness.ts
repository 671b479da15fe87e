import type { RenderedPrompt } from '../../../call/index.ts';
import type { G711Name, SdpDirection } from '../../media/index.ts';
import { MediaClock } from '../media-clock.ts';
import { RtpSession, type Negotiated, type RtpSessionDeps } from '../rtp-session.ts';
import { sdpOfferer } from '../sdp-answerer.ts';

/** A port range for sessions under test, away from the line's default 20000-29999. */
export const TEST_PORTS = { min: 40000, max: 49999 };

export interface HarnessOptions {
  codec?: { name: G711Name; pt: number };
  telephoneEvent?: { pt: number } | null;
  direction?: SdpDirection;
  remoteAddress?: string;
  rtcp?: Negotiated['rtcp'];
  /** The audio of each prompt, by id (default 1 s of a ramp). */
  clips?: Record<string, Int16Array>;
  deps?: Partial<RtpSessionDeps>;
}

/** A prompt as the call layer renders it. */
export const prompt = (id: string): RenderedPrompt => ({ id, text: id, params: {} });

/**
 * An RtpSession on loopback without SIP: negotiation is stubbed to send to
 * `remotePort` with the given codec, prompts come from `clips`.
 *
 * @example
 *   const session = await openTestSession(peer.port, { clips: { hello: tone } });
 *   session.negotiate('offer'); session.start();
 */
export async function openTestSession(remotePort: number, opts: HarnessOptions = {}): Promise<RtpSession> {
  const clips = opts.clips ?? {};
  return RtpSession.open('127.0.0.1', TEST_PORTS, {
    clock: new MediaClock(),
    negotiate: () => ({
      answerSdp: 'answer',
      codec: opts.codec ?? { name: 'PCMU', pt: 0 },
      telephoneEvent: opts.telephoneEvent === undefined ? { pt: 101 } : opts.telephoneEvent,
      remote: { address: opts.remoteAddress ?? '127.0.0.1', port: remotePort },
      direction: opts.direction ?? 'sendrecv',
      rtcp: opts.rtcp ?? null,
    }),
    offerer: sdpOfferer('127.0.0.1'),
    audio: (p) => {
      const clip = clips[p.id];
      return clip ? Promise.resolve(clip) : Promise.reject(new Error(`no clip ${p.id}`));
    },
    ...opts.deps,
  });
}

/** `n` samples of a slow ramp: every 160-sample packet differs from its neighbours. */
export function ramp(n: number): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => Math.round(8000 * Math.sin(i / 40) + ((i * 7) % 2000) - 1000));
}
