import { performance } from 'node:perf_hooks';

/** One packet time: G.711 at 8 kHz, 160 samples. */
export const PTIME_MS = 20;

/**
 * The process's one media clock. Every call's sender subscribes to it; it
 * ticks every 20 ms against absolute deadlines (start + n × 20 ms), so the
 * pace never drifts the way a timer per call or a bare setInterval does.
 * After a stall it catches up by a few ticks at once, then starts again from
 * now rather than bursting a backlog onto the network.
 */
export class MediaClock {
  readonly #subscribers = new Set<(tick: number) => void>();
  readonly #maxCatchUp: number;
  #origin = 0;
  #tick = 0;
  #timer: NodeJS.Timeout | null = null;
  /** Ticks the clock gave up on after a stall (for metrics). */
  skipped = 0;
  /** The worst lateness of a tick, in ms (for metrics). */
  worstLateMs = 0;

  constructor(options: { maxCatchUp?: number } = {}) {
    this.#maxCatchUp = options.maxCatchUp ?? 3;
  }

  get size(): number {
    return this.#subscribers.size;
  }

  /** Subscribes a sender; returns the function that unsubscribes it. */
  add(onTick: (tick: number) => void): () => void {
    this.#subscribers.add(onTick);
    if (!this.#timer) this.#startLoop();
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
    this.#origin = performance.now();
    this.#tick = 0;
    this.#schedule();
  }

  #schedule(): void {
    const deadline = this.#origin + (this.#tick + 1) * PTIME_MS;
    this.#timer = setTimeout(() => this.#run(), Math.max(0, deadline - performance.now()));
  }

  #run(): void {
    const now = performance.now();
    let due = Math.floor((now - this.#origin) / PTIME_MS) - this.#tick;
    if (due > this.#maxCatchUp) {
      // Too far behind: drop the backlog and keep the pace from here.
      this.skipped += due - 1;
      this.#tick += due - 1;
      due = 1;
    }
    for (let i = 0; i < due; i++) {
      this.#tick += 1;
      const late = now - (this.#origin + this.#tick * PTIME_MS);
      if (late > this.worstLateMs) this.worstLateMs = late;
      for (const fn of this.#subscribers) fn(this.#tick);
    }
    if (this.#subscribers.size > 0) this.#schedule();
    else this.#timer = null;
  }
}
