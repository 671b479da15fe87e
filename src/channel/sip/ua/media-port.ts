import type { RenderedPrompt } from '../../../call/index.ts';

/**
 * What a SIP call asks of its media: negotiate the SDP (answer the caller's
 * offer, or, for a call we place, offer and take the callee's answer), play
 * prompts as RTP, report keys (RFC 4733 or in-band). The RTP runtime
 * implements it (on the main thread, or as a proxy to a media worker
 * thread); UA tests use a fake.
 */
export interface MediaSession {
  /** Answers the caller's SDP offer; null when there is no codec in common (the UAS answers 488). */
  negotiate(offerSdp: string): string | null;
  /**
   * Our SDP offer for a call we place (RFC 3264 §5): the INVITE's body. Null
   * once the media is closed or has failed (the call cannot go out).
   */
  offer(): string | null;
  /**
   * Takes the callee's answer to our offer (RFC 3264 §7): codec, keys,
   * where to send. False when it is unusable (malformed, our stream
   * rejected, no codec in common) or the media is gone: the UAC acknowledges
   * the 2xx and hangs up with BYE.
   */
  accept(answerSdp: string): boolean;
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
