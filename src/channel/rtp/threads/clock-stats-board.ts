import type { MediaClock, MediaClockStats } from '../media-clock.ts';

/** Per worker slot: streams ticking, ticks skipped, worst lateness in µs. */
const FIELDS = 3;
const SIZE = 0;
const SKIPPED = 1;
const LATE_US = 2;
const MAX_I32 = 0x7fffffff;

/**
 * The media clocks' figures of every worker thread in one SharedArrayBuffer,
 * so the main thread reads them synchronously, as it reads a MediaClock's
 * own fields (bench:sip does), without a message round trip. Each worker
 * drains its clock into its slot (publish); the main thread sums the slots,
 * takes the worst lateness, and resets them by writing 0.
 *
 * @example
 *   const board = new ClockStatsBoard(2);           // main thread
 *   new Worker(url, { workerData: { stats: board.buffer, slot: 0 } });
 *   ClockStatsBoard.publish(board.buffer, 0, clock); // in the worker, every few ticks
 *   board.worstLateMs;                               // the worst of both workers
 */
export class ClockStatsBoard implements MediaClockStats {
  readonly buffer: SharedArrayBuffer;
  readonly #cells: Int32Array;
  readonly #slots: number;

  constructor(slots: number) {
    this.#slots = slots;
    this.buffer = new SharedArrayBuffer(slots * FIELDS * Int32Array.BYTES_PER_ELEMENT);
    this.#cells = new Int32Array(this.buffer);
  }

  /** Moves a worker clock's figures into its slot (the clock's own counters restart from 0). */
  static publish(buffer: SharedArrayBuffer, slot: number, clock: MediaClock): void {
    const cells = new Int32Array(buffer);
    const base = slot * FIELDS;
    Atomics.store(cells, base + SIZE, clock.size);
    if (clock.skipped > 0) Atomics.add(cells, base + SKIPPED, Math.min(clock.skipped, MAX_I32));
    clock.skipped = 0;
    const late = Math.min(Math.round(clock.worstLateMs * 1000), MAX_I32);
    clock.worstLateMs = 0;
    // A max that a reset from the main thread may race: compare and swap until one wins.
    for (let seen = Atomics.load(cells, base + LATE_US); late > seen; ) {
      const was = Atomics.compareExchange(cells, base + LATE_US, seen, late);
      if (was === seen) break;
      seen = was;
    }
  }

  /** A worker that died: its streams are gone (its counters stay, they happened). */
  clearSize(slot: number): void {
    Atomics.store(this.#cells, slot * FIELDS + SIZE, 0);
  }

  get size(): number {
    return this.#sum(SIZE);
  }

  get skipped(): number {
    return this.#sum(SKIPPED);
  }

  set skipped(value: number) {
    this.#fill(SKIPPED, value);
  }

  get worstLateMs(): number {
    let worst = 0;
    for (let s = 0; s < this.#slots; s++) worst = Math.max(worst, Atomics.load(this.#cells, s * FIELDS + LATE_US));
    return worst / 1000;
  }

  set worstLateMs(value: number) {
    this.#fill(LATE_US, Math.round(value * 1000));
  }

  #sum(field: number): number {
    let total = 0;
    for (let s = 0; s < this.#slots; s++) total += Atomics.load(this.#cells, s * FIELDS + field);
    return total;
  }

  #fill(field: number, value: number): void {
    for (let s = 0; s < this.#slots; s++) Atomics.store(this.#cells, s * FIELDS + field, Math.min(value, MAX_I32));
  }
}
