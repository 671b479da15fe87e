import type { G711Codec, G711Name } from '../../media/index.ts';

/** A prompt's G.711 in shared memory, named for the workers' caches. */
export interface SharedClip {
  id: number;
  /** Over a SharedArrayBuffer: posting it to a worker shares the bytes, it does not copy them. */
  bytes: Uint8Array;
}

/**
 * Prompt audio as the media workers play it, encoded once per codec on the
 * main thread into shared memory and named by an id per (audio, codec).
 * Keyed by the speech context's own Int16Array (a WeakMap): an entry lives
 * as long as the speech cache keeps that audio, and no longer.
 *
 * @example
 *   const clips = new SharedClips();
 *   const clip = clips.get(greeting, g711Codec('PCMU')); // { id: 1, bytes } — the same object next time
 *   const once = SharedClips.once(signingKeyAudio, g711Codec('PCMU')); // for one play, transferable
 */
export class SharedClips {
  readonly #byAudio = new WeakMap<Int16Array, Map<G711Name, SharedClip>>();
  #nextId = 1;

  get(audio: Int16Array, codec: G711Codec): SharedClip {
    let byCodec = this.#byAudio.get(audio);
    if (!byCodec) this.#byAudio.set(audio, (byCodec = new Map<G711Name, SharedClip>()));
    let clip = byCodec.get(codec.name);
    if (!clip) {
      const bytes = new Uint8Array(new SharedArrayBuffer(audio.length));
      codec.encodeInto(audio, bytes);
      byCodec.set(codec.name, (clip = { id: this.#nextId++, bytes }));
    }
    return clip;
  }

  /**
   * Audio for one play only (a prompt with a caller's values in it, such as
   * the digits of a signing key): its own ArrayBuffer, to transfer to the
   * worker, which drops it when the play is over. Never cached anywhere.
   */
  static once(audio: Int16Array, codec: G711Codec): Uint8Array {
    const bytes = new Uint8Array(new ArrayBuffer(audio.length));
    codec.encodeInto(audio, bytes);
    return bytes;
  }
}
