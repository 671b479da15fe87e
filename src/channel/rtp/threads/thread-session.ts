import type { RenderedPrompt } from '../../../call/index.ts';
import { g711Codec, type G711Codec } from '../../media/index.ts';
import type { MediaSession } from '../../sip/ua/media-port.ts';
import type { Negotiated, StreamParams } from '../rtp-stream.ts';
import type { SdpOfferer } from '../sdp-answerer.ts';
import type { MediaThread, WorkerEvents } from './media-thread.ts';
import type { ClipRef } from './protocol.ts';
import { SharedClips } from './shared-clips.ts';

export interface ThreadSessionInit {
  thread: MediaThread;
  sid: number;
  /** The RTP port the worker bound. */
  port: number;
  host: string;
  /** The call's SDP answerer (sdpAnswerer): pure, so it runs here. */
  answer: (offerSdp: string, local: { address: string; port: number }) => Negotiated | null;
  /** The call's SDP offerer (sdpOfferer), for a call we place: pure too. */
  offerer: SdpOfferer;
  /** 8 kHz linear audio for a prompt (cached by the speech context). */
  audio: (prompt: RenderedPrompt, language: string) => Promise<Int16Array>;
  clips: SharedClips;
}

/**
 * One call's media as the SIP call sees it when the RTP runs on a media
 * worker thread: a proxy that answers the SDP here, or offers and reads the
 * answer (synchronously, as the UA needs), turns prompts into G.711 clips,
 * and posts all of it to the
 * worker that owns the call's sockets. Prompts without parameters go by
 * shared-memory id; a prompt with a caller's values (a signing key) goes
 * whole, for that play only.
 *
 * @example
 *   const session = new ThreadSession({ thread, sid, port, host, answer: sdpAnswerer(host), offerer: sdpOfferer(host), audio, clips });
 *   session.negotiate(offerSdp); session.start();
 *   session.play([greeting], 'es', () => input.promptEnded(playId), { bargeIn: true });
 */
export class ThreadSession implements MediaSession, WorkerEvents {
  onDigit: (key: string) => void = () => {};
  onFailed?: () => void;
  readonly #init: ThreadSessionInit;
  #codec: G711Codec | null = null;
  #seq = 0;
  /** The play the call waits on: its end is reported unless stopped. */
  #current: { seq: number; onEnded: () => void } | null = null;
  /** The play the worker has and has not ended, cut or been told to stop. */
  #posted: number | null = null;
  #closed = false;
  #failed = false;

  constructor(init: ThreadSessionInit) {
    this.#init = init;
    init.thread.attach(init.sid, this);
  }

  get localPort(): number {
    return this.#init.port;
  }

  negotiate(offerSdp: string): string | null {
    if (this.#closed || this.#failed) return null;
    const { answer, host, port } = this.#init;
    const result = answer(offerSdp, { address: host, port });
    if (!result) return null;
    this.#apply(result);
    return result.answerSdp;
  }

  offer(): string | null {
    if (this.#closed || this.#failed) return null;
    return this.#init.offerer.offer({ address: this.#init.host, port: this.#init.port });
  }

  accept(answerSdp: string): boolean {
    if (this.#closed || this.#failed) return false;
    const result = this.#init.offerer.accept(answerSdp);
    if (!result) return false;
    this.#apply(result);
    return true;
  }

  start(): void {
    if (this.#closed) return;
    // The worker died between the answer and the ACK: the call ends as soon as it exists.
    if (this.#failed) queueMicrotask(() => this.onFailed?.());
    else this.#init.thread.post({ t: 'start', sid: this.#init.sid });
  }

  play(prompts: RenderedPrompt[], language: string, onEnded: () => void, opts: { bargeIn?: boolean } = {}): void {
    if (this.#closed || this.#failed) return;
    const seq = ++this.#seq;
    this.#current = { seq, onEnded };
    // What was playing stops now, not when the new audio is ready.
    if (this.#posted !== null) this.#postStop();
    const bargeIn = opts.bargeIn ?? false;
    void Promise.all(prompts.map((p) => this.#init.audio(p, language))).then(
      (audio) => {
        if (this.#current?.seq === seq) this.#send(seq, prompts, audio, bargeIn);
      },
      () => {
        // No audio (synthesis failed): the caller hears silence, the flow goes on at the next tick.
        if (this.#current?.seq === seq) this.#send(seq, [], [], bargeIn);
      },
    );
  }

  stop(): void {
    this.#current = null;
    if (this.#posted !== null) this.#postStop();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#current = null;
    if (!this.#failed) this.#init.thread.post({ t: 'close', sid: this.#init.sid });
    this.#init.thread.detach(this.#init.sid);
  }

  // ── from the worker (WorkerEvents) ──────────────────────────────────────

  digit(key: string, cut: number | null): void {
    if (this.#closed) return;
    if (cut !== null && cut === this.#posted) this.#posted = null;
    this.onDigit(key);
    // The worker cut a barge-in play for this key; the call normally stops it in onDigit. If it
    // did not (it keeps the key for later), the prompt is over all the same: say so.
    if (cut !== null && this.#current?.seq === cut) this.#end();
  }

  ended(seq: number): void {
    if (this.#closed) return;
    if (this.#posted === seq) this.#posted = null;
    if (this.#current?.seq === seq) this.#end();
  }

  failed(): void {
    if (this.#closed || this.#failed) return;
    this.#failed = true;
    this.#current = null;
    this.#posted = null;
    this.onFailed?.();
  }

  /** The worker's stream takes the negotiation; our codec encodes the clips we post it. */
  #apply(result: StreamParams): void {
    const { thread, sid } = this.#init;
    this.#codec = g711Codec(result.codec.name);
    const { codec, telephoneEvent, remote, direction, rtcp } = result;
    thread.post({ t: 'negotiated', sid, params: { codec, telephoneEvent, remote, ...(direction ? { direction } : {}), rtcp: rtcp ?? null } });
  }

  #end(): void {
    const done = this.#current?.onEnded;
    this.#current = null;
    done?.();
  }

  #send(seq: number, prompts: RenderedPrompt[], audio: Int16Array[], bargeIn: boolean): void {
    const codec = this.#codec;
    if (this.#closed || this.#failed || !codec) return;
    const { thread, sid, clips } = this.#init;
    const forget: number[] = [];
    const transfer: ArrayBuffer[] = [];
    const refs: ClipRef[] = [];
    audio.forEach((samples, i) => {
      if (samples.length === 0) return;
      const fixed = Object.keys(prompts[i]?.params ?? {}).length === 0;
      if (fixed) {
        refs.push(thread.clipRef(clips.get(samples, codec), forget));
        return;
      }
      // A caller's values (the digits of a signing key): for this play only, never in a cache.
      const bytes = SharedClips.once(samples, codec);
      transfer.push(bytes.buffer as ArrayBuffer);
      refs.push({ bytes });
    });
    thread.post({ t: 'play', sid, seq, codec: codec.name, bargeIn, clips: refs }, transfer);
    // After the play: it may name a clip evicted from the ledger by a later clip of the same play.
    if (forget.length > 0) thread.post({ t: 'forget', ids: forget });
    this.#posted = seq;
  }

  #postStop(): void {
    this.#posted = null;
    this.#init.thread.post({ t: 'stop', sid: this.#init.sid });
  }
}
