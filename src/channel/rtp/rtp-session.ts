import type { RenderedPrompt } from '../../call/index.ts';
import type { G711Codec, G711Name } from '../media/index.ts';
import type { MediaSession } from '../sip/ua/media-port.ts';
import { RtpStream, type Negotiated, type RtpStreamOptions } from './rtp-stream.ts';
import type { SdpOfferer } from './sdp-answerer.ts';

export type { Negotiated } from './rtp-stream.ts';

export interface RtpSessionDeps extends RtpStreamOptions {
  /** Answers an offer for this session's local address and port; null when nothing is in common. */
  negotiate(offerSdp: string, local: { address: string; port: number }): Negotiated | null;
  /** Makes our offer and reads the answer to it, for a call we place (sdpOfferer). */
  offerer: SdpOfferer;
  /** 8 kHz linear audio for a prompt (cached by the speech context). */
  audio(prompt: RenderedPrompt, language: string): Promise<Int16Array>;
}

/** G.711 of a prompt, encoded once per codec and shared by every call that plays it. */
const encodedCache = new WeakMap<Int16Array, Map<G711Name, Buffer>>();

function encoded(audio: Int16Array, codec: G711Codec): Buffer {
  let byCodec = encodedCache.get(audio);
  if (!byCodec) encodedCache.set(audio, (byCodec = new Map<G711Name, Buffer>()));
  let buf = byCodec.get(codec.name);
  if (!buf) byCodec.set(codec.name, (buf = codec.encode(audio)));
  return buf;
}

/**
 * One call's media on the thread that runs the call (CLAVE_MEDIA_THREADS=0):
 * the MediaSession of the SIP UA over an RtpStream, answering the SDP offer
 * (or, for a call we place, offering and taking the answer) and turning
 * prompts into G.711 clips from the speech context's audio.
 *
 * @example
 *   const session = await RtpSession.open('192.0.2.10', { min: 20000, max: 29999 }, deps);
 *   const answer = session.negotiate(offerSdp); // null → 488
 *   // or, calling out: invite(session.offer()!), then on the 200: session.accept(okSdp) || bye()
 *   session.onDigit = (key) => input.digit(key);
 *   session.start(); // after the ACK
 *   session.play([greeting], 'es', () => input.promptEnded(playId));
 */
export class RtpSession implements MediaSession {
  readonly #stream: RtpStream;
  readonly #deps: RtpSessionDeps;
  readonly #host: string;
  #generation = 0;
  #closed = false;

  private constructor(stream: RtpStream, host: string, deps: RtpSessionDeps) {
    this.#stream = stream;
    this.#host = host;
    this.#deps = deps;
  }

  /** Binds an even RTP port in [min, max] and RTCP on the next one (RFC 3550 §11). */
  static async open(host: string, range: { min: number; max: number }, deps: RtpSessionDeps): Promise<RtpSession> {
    return new RtpSession(await RtpStream.open(host, range, deps), host, deps);
  }

  get onDigit(): (key: string) => void {
    return this.#stream.onDigit;
  }

  set onDigit(fn: (key: string) => void) {
    this.#stream.onDigit = fn;
  }

  get localPort(): number {
    return this.#stream.localPort;
  }

  /** Where RTP goes now (the SDP's address, or the latched source). */
  get remote(): { address: string; port: number } | null {
    return this.#stream.remote;
  }

  /** RTCP compound packets sent so far. */
  get reportsSent(): number {
    return this.#stream.reportsSent;
  }

  /** RTP packets sent so far. */
  get sent(): number {
    return this.#stream.sent;
  }

  negotiate(offerSdp: string): string | null {
    const result = this.#deps.negotiate(offerSdp, { address: this.#host, port: this.#stream.localPort });
    if (!result) return null;
    this.#stream.apply(result);
    return result.answerSdp;
  }

  offer(): string | null {
    if (this.#closed) return null;
    return this.#deps.offerer.offer({ address: this.#host, port: this.#stream.localPort });
  }

  accept(answerSdp: string): boolean {
    if (this.#closed) return false;
    const result = this.#deps.offerer.accept(answerSdp);
    if (!result) return false;
    this.#stream.apply(result);
    return true;
  }

  start(): void {
    this.#stream.start();
  }

  play(prompts: RenderedPrompt[], language: string, onEnded: () => void): void {
    const generation = ++this.#generation;
    // What was playing stops now, not when the new audio is ready.
    this.#stream.stop();
    void Promise.all(prompts.map((p) => this.#deps.audio(p, language))).then(
      (clips) => {
        const codec = this.#stream.codec;
        if (generation !== this.#generation || this.#closed || !codec) return;
        this.#stream.play(clips.map((audio) => encoded(audio, codec)), onEnded);
      },
      () => {
        // No audio (synthesis failed): the caller hears silence, the flow goes on at the next tick.
        if (generation === this.#generation) this.#stream.play([], onEnded);
      },
    );
  }

  stop(): void {
    this.#generation++;
    this.#stream.stop();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#generation++;
    this.#stream.close();
  }
}
