import { performance } from 'node:perf_hooks';

/** One packet time: G.711 at 8 kHz, 160 samples. */
export const PTIME_MS = 20;

/**
 * What metrics read of the media clock: a MediaClock's own fields, or the
 * sum (and worst) over the clocks of every media worker thread. Writing 0
 * resets a figure, e.g. before a benchmark level.
 */
export interface MediaClockStats {
  /** Streams ticking (calls with media started). */
  readonly size: number;
  /** The worst lateness of a tick, in ms. */
  worstLateMs: number;
  /** Ticks given up on after stalls. */
  skipped: number;
}

export interface MediaClockOptions {
  /** Ticks run back to back after a stall before the clock gives up on the backlog (default 3). */
  maxCatchUp?: number;
  /** A subscriber threw: the others still get their tick (default: ignore). */
  onError?: (err: unknown) => void;
  /** The monotonic time in ms (default `performance.now`); tests drive the clock with their own. */
  now?: () => number;
}

/**
 * The process's one media clock. Every call's sender subscribes to it; it
 * ticks every 20 ms against absolute deadlines (start + n × 20 ms), so the
 * pace never drifts the way a timer per call or a bare setInterval does.
 * After a stall it catches up by at most `maxCatchUp` ticks at once, and
 * after a longer one it keeps the pace from now rather than bursting a
 * backlog onto the network.
 *
 * @example
 *   const clock = new MediaClock();
 *   const unsubscribe = clock.add(() => session.sendNextPacket());
 *   // … on hang-up:
 *   unsubscribe();
 */
export class MediaClock implements MediaClockStats {
  readonly #subscribers = new Set<(tick: number) => void>();
  readonly #maxCatchUp: number;
  readonly #onError: (err: unknown) => void;
  readonly #now: () => number;
  #origin = 0;
  #tick = 0;
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  /** Ticks the clock gave up on after a stall (for metrics). */
  skipped = 0;
  /** The worst lateness of a tick, in ms, counting ticks dropped after a stall (for metrics). */
  worstLateMs = 0;

  constructor(options: MediaClockOptions = {}) {
    this.#maxCatchUp = Math.max(1, options.maxCatchUp ?? 3);
    this.#onError = options.onError ?? (() => {});
    this.#now = options.now ?? (() => performance.now());
  }

  get size(): number {
    return this.#subscribers.size;
  }

  /** Subscribes a sender; returns the function that unsubscribes it. */
  add(onTick: (tick: number) => void): () => void {
    this.#subscribers.add(onTick);
    if (!this.#timer && !this.#running) this.#startLoop();
    return () => {
      this.#subscribers.delete(onTick);
      if (this.#subscribers.size === 0) this.stop();
    };
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #startLoop(): void {
    this.#origin = this.#now();
    this.#tick = 0;
    this.#schedule();
  }

  #schedule(): void {
    const deadline = this.#origin + (this.#tick + 1) * PTIME_MS;
    this.#timer = setTimeout(() => this.#run(), Math.max(0, deadline - this.#now()));
  }

  #run(): void {
    this.#timer = null;
    this.#running = true;
    try {
      this.#runDue();
    } finally {
      this.#running = false;
    }
    // Subscribers may have come and gone during the ticks: one loop, whatever happened.
    if (this.#subscribers.size > 0) this.#schedule();
  }

  #runDue(): void {
    const now = this.#now();
    let due = Math.floor((now - this.#origin) / PTIME_MS) - this.#tick;
    // The oldest tick due tells how long the loop was held up, skipped or not.
    const late = now - (this.#origin + (this.#tick + 1) * PTIME_MS);
    if (late > this.worstLateMs) this.worstLateMs = late;
    if (due > this.#maxCatchUp) {
      // Too far behind: drop the oldest ticks, play the last few, and keep the pace from here.
      this.skipped += due - this.#maxCatchUp;
      this.#tick += due - this.#maxCatchUp;
      due = this.#maxCatchUp;
    }
    for (let i = 0; i < due; i++) {
      this.#tick += 1;
      for (const fn of this.#subscribers) {
        // One call's bug must not silence every other call (nor kill the process from a timer).
        try {
          fn(this.#tick);
        } catch (err) {
          this.#onError(err);
        }
      }
    }
  }
}
