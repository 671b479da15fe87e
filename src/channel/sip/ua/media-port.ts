import type { RenderedPrompt } from '../../../call/index.ts';

/**
 * What a SIP call asks of its media: negotiate the SDP, play prompts as RTP,
 * report keys (RFC 4733 or in-band). The RTP runtime implements it; UA tests
 * use a fake.
 */
export interface MediaSession {
  /** Answers the caller's SDP offer; null when there is no codec in common (the UAS answers 488). */
  negotiate(offerSdp: string): string | null;
  /** Starts sending (after the call is answered). */
  start(): void;
  /** Plays prompts in order; `onEnded` once the last one has been sent, unless stopped. */
  play(prompts: RenderedPrompt[], language: string, onEnded: () => void): void;
  /** Stops the prompt playing now (barge-in). */
  stop(): void;
  /** Keys detected in the media. Set by the call. */
  onDigit: (key: string) => void;
  /** Idempotent. */
  close(): void;
}

export interface MediaFactory {
  create(label: string): Promise<MediaSession>;
}
