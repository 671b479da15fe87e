/**
 * Time as an input. Domain, flow and protocol code never read the wall clock
 * or call setTimeout directly: they receive a Clock, so tests can advance a
 * simulated one and take no real time.
 *
 * @example
 *   const clock = new SimulatedClock(Date.parse('2026-01-01T00:00:00Z'));
 *   clock.setTimeout(() => console.log('fired'), 5000);
 *   await clock.advance(5000); // prints "fired"
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface TimerHandle {
  readonly id: number;
}

const systemTimers = new Map<number, NodeJS.Timeout>();
let systemTimerId = 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const id = systemTimerId++;
    systemTimers.set(
      id,
      globalThis.setTimeout(() => {
        systemTimers.delete(id);
        fn();
      }, ms),
    );
    return { id };
  },
  clearTimeout(handle) {
    const t = systemTimers.get(handle.id);
    if (t) globalThis.clearTimeout(t);
    systemTimers.delete(handle.id);
  },
};

/** Resolves after `ms` of the given clock's time, or rejects when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface PendingTimer {
  id: number;
  at: number;
  fn: () => void;
}

/** A clock that moves only when told to. */
export class SimulatedClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers: PendingTimer[] = [];

  constructor(start = Date.parse('2026-01-01T09:00:00Z')) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.#nextId++, at: this.#now + Math.max(0, ms), fn };
    this.#timers.push(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle.id);
  }

  /** Pending timers, for assertions. */
  get pending(): number {
    return this.#timers.length;
  }

  /**
   * Moves time forward by `ms`, firing due timers in order. Between timers it
   * yields to the event loop so promise chains started by one timer settle
   * before the next fires.
   */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      await settle();
      this.#timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.#timers[0];
      if (!next || next.at > end) break;
      this.#timers.shift();
      this.#now = next.at;
      next.fn();
    }
    this.#now = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}
