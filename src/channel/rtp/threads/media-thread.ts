import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { ClipLedger } from './clip-ledger.ts';
import type { ClockStatsBoard } from './clock-stats-board.ts';
import type { ClipRef, FromWorker, MediaWorkerData, ToWorker } from './protocol.ts';
import type { SharedClip } from './shared-clips.ts';

/** What a session proxy hears from its worker. */
export interface WorkerEvents {
  digit(key: string, cut: number | null): void;
  ended(seq: number): void;
  /** The worker died: the session's media is gone. */
  failed(): void;
}

export interface MediaThreadOptions {
  slot: number;
  host: string;
  /** This thread's port slice; null when the range had no pair left for it (it never takes calls). */
  ports: { min: number; max: number } | null;
  board: ClockStatsBoard;
  /** Bytes of prompt clips the worker may hold (ClipLedger). */
  clipBudgetBytes: number;
  rtcpIntervalMs?: number;
  /** A media tick threw, or the worker died (`died` then says how many calls it took). */
  onError(err: unknown, died?: { slot: number; calls: number }): void;
  /** The worker's scheduling priority at start (nice value), or null and why not. */
  onPriority?(slot: number, nice: number | null, reason?: string): void;
}

/** A worker that dies this soon after it started waits this long before the next one (no crash loop). */
const QUICK_DEATH_MS = 1000;
const SHUTDOWN_MS = 2000;

/**
 * One media worker thread as the main thread sees it: spawns it on its port
 * slice, opens sessions in it, routes its events to their proxies, and when
 * it dies ends those sessions (WorkerEvents.failed) and starts a new worker
 * for new calls.
 *
 * @example
 *   const thread = new MediaThread({ slot: 0, host, ports: { min: 20000, max: 24999 }, board, clipBudgetBytes, onError });
 *   const port = await thread.open(sid); // null: the slice is full
 *   thread.attach(sid, proxy);
 *   thread.post({ t: 'start', sid });
 */
export class MediaThread {
  readonly #opts: MediaThreadOptions;
  readonly #ledger: ClipLedger;
  readonly #sessions = new Map<number, WorkerEvents>();
  readonly #opening = new Map<number, { resolve(port: number | null): void; reject(err: Error): void }>();
  #worker: Worker | null = null;
  #startedAt = 0;
  #closing: Promise<void> | null = null;

  constructor(opts: MediaThreadOptions) {
    this.#opts = opts;
    this.#ledger = new ClipLedger(opts.clipBudgetBytes);
    if (opts.ports) this.#spawn();
  }

  get slot(): number {
    return this.#opts.slot;
  }

  get ports(): { min: number; max: number } | null {
    return this.#opts.ports;
  }

  /** Calls placed on this thread, and being placed. */
  get load(): number {
    return this.#sessions.size + this.#opening.size;
  }

  /** Whether new calls can go here now. */
  get accepting(): boolean {
    return this.#worker !== null && this.#closing === null;
  }

  /** Prompt clips the worker's cache holds (by the ledger), for tests and metrics. */
  get clipsHeld(): number {
    return this.#ledger.size;
  }

  /** The worker thread itself (tests kill it to see its calls end). */
  get worker(): Worker | null {
    return this.#worker;
  }

  /** Binds a port pair in the worker: its RTP port, or null when the slice has none free. Rejects if the worker dies meanwhile. */
  open(sid: number): Promise<number | null> {
    if (!this.accepting) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.#opening.set(sid, { resolve, reject });
      this.post({ t: 'open', sid });
    });
  }

  attach(sid: number, events: WorkerEvents): void {
    this.#sessions.set(sid, events);
  }

  detach(sid: number): void {
    this.#sessions.delete(sid);
  }

  post(msg: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.#worker?.postMessage(msg, transfer);
  }

  /** How a play names `clip` to this worker: by id once the worker holds it. Ids to forget go in `forget`. */
  clipRef(clip: SharedClip, forget: number[]): ClipRef {
    return this.#ledger.ref(clip, forget);
  }

  /** Closes the worker's sessions (RTCP BYEs go out), then ends the thread. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const worker = this.#worker;
      if (!worker) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ t: 'shutdown' } satisfies ToWorker);
      const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), SHUTDOWN_MS).unref());
      if ((await Promise.race([exited, timer])) === 'late') await worker.terminate();
      this.#worker = null;
      // A call being placed as the line stopped: no port for it.
      for (const pending of this.#opening.values()) pending.resolve(null);
      this.#opening.clear();
    })();
    return this.#closing;
  }

  #spawn(): void {
    const data: MediaWorkerData = {
      host: this.#opts.host,
      ports: this.#opts.ports!,
      stats: this.#opts.board.buffer,
      slot: this.#opts.slot,
      ...(this.#opts.rtcpIntervalMs !== undefined ? { rtcpIntervalMs: this.#opts.rtcpIntervalMs } : {}),
    };
    const worker = new Worker(new URL('./media-worker.ts', import.meta.url), { workerData: data, name: `clave-media-${this.#opts.slot}` });
    // The line's sockets keep the process alive; a media worker alone must not.
    worker.unref();
    this.#worker = worker;
    this.#startedAt = performance.now();
    worker.on('message', (msg: FromWorker) => this.#receive(msg));
    // An uncaught error in the worker: 'exit' follows, where its calls are ended.
    worker.on('error', (err) => this.#opts.onError(err));
    worker.on('exit', (code) => this.#exited(worker, code));
  }

  #receive(msg: FromWorker): void {
    switch (msg.t) {
      case 'opened':
      case 'openFailed': {
        const pending = this.#opening.get(msg.sid);
        this.#opening.delete(msg.sid);
        if (msg.t === 'opened') pending?.resolve(msg.port);
        else if (msg.exhausted) pending?.resolve(null);
        else pending?.reject(new Error(`media worker ${this.#opts.slot}: ${msg.message}`));
        return;
      }
      case 'digit':
        this.#sessions.get(msg.sid)?.digit(msg.key, msg.cut);
        return;
      case 'ended':
        this.#sessions.get(msg.sid)?.ended(msg.seq);
        return;
      case 'priority':
        this.#opts.onPriority?.(this.#opts.slot, msg.nice, msg.reason);
        return;
      case 'error': {
        const err = new Error(msg.message);
        err.stack = msg.stack;
        this.#opts.onError(err);
        return;
      }
    }
  }

  #exited(worker: Worker, code: number): void {
    if (this.#worker !== worker || this.#closing) return;
    this.#worker = null;
    const calls = [...this.#sessions.values()];
    this.#sessions.clear();
    this.#ledger.clear();
    this.#opts.board.clearSize(this.#opts.slot);
    const died = new Error(`media worker ${this.#opts.slot} exited with code ${code}`);
    for (const pending of this.#opening.values()) pending.reject(died);
    this.#opening.clear();
    this.#opts.onError(died, { slot: this.#opts.slot, calls: calls.length });
    for (const events of calls) {
      // One call's hang-up going wrong must not leave the others on a dead line.
      try {
        events.failed();
      } catch (err) {
        this.#opts.onError(err);
      }
    }
    const wait = performance.now() - this.#startedAt < QUICK_DEATH_MS ? QUICK_DEATH_MS : 0;
    setTimeout(() => {
      if (!this.#closing) this.#spawn();
    }, wait).unref();
  }
}
