import { ClaveError } from '../../shared/index.ts';

interface Waiter {
  resolve(release: () => void): void;
  reject(err: Error): void;
}

/**
 * At most `size` requests outstanding at once (SMPP allows asynchronous
 * requests; how many may await a response, the window, is agreed with the
 * centre's operator); the rest wait their turn, first come first served.
 *
 * @example
 *   const window = new SendWindow(10);
 *   const release = await window.acquire();
 *   try { await link.request(submit); } finally { release(); }
 */
export class SendWindow {
  readonly size: number;
  #inUse = 0;
  #queue: Waiter[] = [];
  #drained: Array<() => void> = [];
  #closed = false;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new ClaveError('INVALID_CONFIG', 'the SMPP window must be a whole number of at least 1', { size });
    this.size = size;
  }

  /** Slots taken now. */
  get inUse(): number {
    return this.#inUse;
  }

  /** Acquirers waiting for a slot. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Resolves with the slot's release function once one is free; rejects once the window is closed. */
  acquire(): Promise<() => void> {
    if (this.#closed) return Promise.reject(closedError());
    if (this.#inUse < this.size) {
      this.#inUse++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => this.#queue.push({ resolve, reject }));
  }

  /** Refuses new acquirers and those still queued; slots already held stay valid until released. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#queue.splice(0)) waiter.reject(closedError());
  }

  /** Resolves when no slot is held. */
  drained(): Promise<void> {
    if (this.#inUse === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#queue.shift();
      // The slot passes straight to the next in line, so a newcomer cannot overtake it.
      if (next) next.resolve(this.#releaser());
      else if (--this.#inUse === 0) for (const done of this.#drained.splice(0)) done();
    };
  }
}

function closedError(): ClaveError {
  return new ClaveError('DELIVERY_UNAVAILABLE', 'SMPP channel closed', { reason: 'closed' });
}
