/**
 * Least-recently-used map of audio clips bounded by their total size. A Map
 * keeps insertion order, so re-inserting on each hit makes its first key the
 * least recently used one.
 *
 * @example
 *   const lru = new AudioLru(64 * 1024 * 1024);
 *   lru.set('es\u0000Adiós.', samples);
 *   lru.get('es\u0000Adiós.'); // samples, now the most recently used
 */
export class AudioLru {
  readonly #maxBytes: number;
  readonly #clips = new Map<string, Int16Array>();
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get(key: string): Int16Array | undefined {
    const clip = this.#clips.get(key);
    if (clip) {
      this.#clips.delete(key);
      this.#clips.set(key, clip);
    }
    return clip;
  }

  set(key: string, clip: Int16Array): void {
    const old = this.#clips.get(key);
    if (old) {
      this.#clips.delete(key);
      this.#bytes -= old.byteLength;
    }
    this.#clips.set(key, clip);
    this.#bytes += clip.byteLength;
    // The newest clip always stays, even when it alone exceeds the budget.
    for (const [k, v] of this.#clips) {
      if (this.#bytes <= this.#maxBytes || k === key) break;
      this.#clips.delete(k);
      this.#bytes -= v.byteLength;
    }
  }

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#clips.size;
  }
}
