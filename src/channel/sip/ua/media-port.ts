import type { RenderedPrompt } from '../../../call/index.ts';

/**
 * What a SIP call asks of its media: negotiate the SDP, play prompts as RTP,
 * report keys (RFC 4733 or in-band). The RTP runtime implements it (on the
 * main thread, or as a proxy to a media worker thread); UA tests use a fake.
 */
export interface MediaSession {
  /** Answers the caller's SDP offer; null when there is no codec in common (the UAS answers 488). */
  negotiate(offerSdp: string): string | null;
  /** Starts sending (after the call is answered). */
  start(): void;
  /**
   * Plays prompts in order; `onEnded` once the last one has been sent, unless
   * stopped. With `bargeIn` the media may cut the prompt itself on a key,
   * before reporting the key (the call's stop() that follows is then a no-op).
   */
  play(prompts: RenderedPrompt[], language: string, onEnded: () => void, opts?: { bargeIn?: boolean }): void;
  /** Stops the prompt playing now (barge-in). Idempotent. */
  stop(): void;
  /** Keys detected in the media. Set by the call. */
  onDigit: (key: string) => void;
  /** The media died under the call (its worker thread crashed): the call should end. Set by the call. */
  onFailed?: () => void;
  /** Idempotent. */
  close(): void;
}

export interface MediaFactory {
  create(label: string): Promise<MediaSession>;
}
