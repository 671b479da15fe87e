import type { RenderedPrompt } from '../../../../call/index.ts';
import type { MediaFactory, MediaSession } from '../media-port.ts';

/** A MediaSession that records what the call asks of it. */
export class FakeMediaSession implements MediaSession {
  readonly label: string;
  /** The callers' offers negotiate() was given. */
  readonly offers: string[] = [];
  /** Our offers, as offer() gave them (a call we place). */
  readonly madeOffers: string[] = [];
  /** The callees' answers accept() was given, usable or not. */
  readonly answers: string[] = [];
  /** What happened, in order: "offer", "accept" (or "accept:refused"), "start", "play:<ids>", "stop", "close". */
  readonly log: string[] = [];
  /** The SDP answer negotiate() gives; null means "no codec in common". */
  answer: string | null;
  /** The SDP offer offer() gives while the session is open. */
  offerSdp = FAKE_OFFER_SDP;
  /** Whether accept() finds the callee's answer usable. */
  acceptsAnswer = true;
  onDigit: (key: string) => void = () => {};
  onFailed?: () => void;
  /** The barge-in flag of each play, in order. */
  readonly bargeIns: (boolean | undefined)[] = [];
  #onEnded: (() => void) | null = null;
  #closed = false;

  constructor(label: string, answer: string | null) {
    this.label = label;
    this.answer = answer;
  }

  get closed(): boolean {
    return this.#closed;
  }

  negotiate(offerSdp: string): string | null {
    this.offers.push(offerSdp);
    return this.answer;
  }

  offer(): string | null {
    if (this.#closed) return null;
    this.log.push('offer');
    this.madeOffers.push(this.offerSdp);
    return this.offerSdp;
  }

  accept(answerSdp: string): boolean {
    this.answers.push(answerSdp);
    const usable = this.acceptsAnswer && !this.#closed;
    this.log.push(usable ? 'accept' : 'accept:refused');
    return usable;
  }

  /** When set, start() throws it (a socket that cannot send…). */
  startFailure: Error | null = null;

  start(): void {
    if (this.startFailure) throw this.startFailure;
    this.log.push('start');
  }

  play(prompts: RenderedPrompt[], _language: string, onEnded: () => void, opts?: { bargeIn?: boolean }): void {
    this.log.push(`play:${prompts.map((p) => p.id).join(',')}`);
    this.bargeIns.push(opts?.bargeIn);
    this.#onEnded = onEnded;
  }

  /** The last prompt of the current play has gone out. */
  finishPlay(): void {
    const done = this.#onEnded;
    this.#onEnded = null;
    done?.();
  }

  /** The media dies under the call (a media worker thread crashed). */
  fail(): void {
    this.onFailed?.();
  }

  stop(): void {
    this.log.push('stop');
    this.#onEnded = null;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.log.push('close');
  }
}

/**
 * A MediaFactory for UA tests: sessions answer with `answer` (null → 488),
 * offer FAKE_OFFER_SDP and take a callee's answer unless `acceptsAnswer` is false,
 * and `hold()` keeps create() pending, to put a CANCEL in the gap.
 *
 * @example
 *   const media = new FakeMediaFactory();
 *   const release = media.hold();
 *   // … INVITE, CANCEL …
 *   release();
 */
export class FakeMediaFactory implements MediaFactory {
  readonly sessions: FakeMediaSession[] = [];
  answer: string | null = FAKE_ANSWER_SDP;
  /** Whether the sessions created from now on find callees' answers usable. */
  acceptsAnswer = true;
  /** When set, create() rejects with it (no port free, …). */
  failure: Error | null = null;
  #gate: Promise<void> | null = null;

  async create(label: string): Promise<FakeMediaSession> {
    if (this.failure) throw this.failure;
    const session = new FakeMediaSession(label, this.answer);
    session.acceptsAnswer = this.acceptsAnswer;
    this.sessions.push(session);
    if (this.#gate) await this.#gate;
    return session;
  }

  hold(): () => void {
    let release!: () => void;
    this.#gate = new Promise<void>((r) => (release = r));
    return () => {
      this.#gate = null;
      release();
    };
  }
}

export const FAKE_ANSWER_SDP =
  'v=0\r\no=clave 1 1 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n';

/** What a fake session offers for a call we place: PCMU, PCMA and telephone-event, as the real media does. */
export const FAKE_OFFER_SDP =
  'v=0\r\no=clave 1 0 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n';
