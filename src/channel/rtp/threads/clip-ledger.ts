import type { ClipRef } from './protocol.ts';
import type { SharedClip } from './shared-clips.ts';

/**
 * What one media worker's clip cache holds, kept on the main thread, least
 * recently used first and bounded by bytes: a clip goes to the worker once,
 * later plays name it by id, and clips evicted here are named in a `forget`
 * message so the worker's cache stays within the same bound.
 *
 * @example
 *   const forget: number[] = [];
 *   const ref = ledger.ref(clip, forget); // { id, bytes } the first time, { id } after
 *   thread.post({ t: 'play', …, clips: [ref] });
 *   if (forget.length) thread.post({ t: 'forget', ids: forget }); // after the play that may still name them
 */
export class ClipLedger {
  readonly #maxBytes: number;
  /** id → bytes, in Map order: the first is the least recently used. */
  readonly #held = new Map<number, number>();
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#held.size;
  }

  ref(clip: SharedClip, forget: number[]): ClipRef {
    const size = this.#held.get(clip.id);
    if (size !== undefined) {
      this.#held.delete(clip.id);
      this.#held.set(clip.id, size);
      return { id: clip.id };
    }
    this.#held.set(clip.id, clip.bytes.byteLength);
    this.#bytes += clip.bytes.byteLength;
    // The newest clip stays even when it alone is over the budget.
    for (const [id, bytes] of this.#held) {
      if (this.#bytes <= this.#maxBytes || id === clip.id) break;
      this.#held.delete(id);
      this.#bytes -= bytes;
      forget.push(id);
    }
    return { id: clip.id, bytes: clip.bytes };
  }

  /** The worker is gone, and its cache with it. */
  clear(): void {
    this.#held.clear();
    this.#bytes = 0;
  }
}
