import type { Logger } from '../log/index.ts';
import type { Clock, TimerHandle } from '../shared/index.ts';
import { withDeadline } from './deadline.ts';
import type { CallRecords, EndedCall } from './records.ts';

export interface RecordQueueOptions {
  clock: Clock;
  logger: Logger;
  /** How often the pending records are tried again; default 5 s. */
  retryMs?: number;
  /** A write not answered by then counts as failed (it is kept, and the call is not held); default 5 s. */
  writeTimeoutMs?: number;
  /** At most this many records wait (the oldest is dropped, and logged, beyond); default 10 000. */
  maxPending?: number;
}

/**
 * Call records that could not be written when their call ended (the
 * database was down) wait here, in memory, and are written once the store
 * answers again: tried every `retryMs` and after any write that works.
 * Writing a call's end is idempotent (CallRecords.finish), so a write that
 * timed out but did land costs nothing when repeated.
 *
 * What waits here is lost if the process dies: the call's live row, when it
 * was written, is then closed by the next start (CallRecords.closeOrphans).
 *
 * @example
 *   const queue = new RecordQueue(records, { clock, logger });
 *   await queue.finish(ended); // 'written', or 'queued' while the store is down
 */
export class RecordQueue {
  readonly #records: CallRecords;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #retryMs: number;
  readonly #timeoutMs: number;
  readonly #max: number;
  readonly #pending = new Map<string, EndedCall>();
  #timer: TimerHandle | undefined;
  #flushing: Promise<void> | undefined;
  #closed = false;

  constructor(records: CallRecords, options: RecordQueueOptions) {
    this.#records = records;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#retryMs = options.retryMs ?? 5000;
    this.#timeoutMs = options.writeTimeoutMs ?? 5000;
    this.#max = options.maxPending ?? 10_000;
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** Records a call's end now, or keeps it for later. Never throws. */
  async finish(call: EndedCall): Promise<'written' | 'queued'> {
    try {
      await this.#write(call);
    } catch (err) {
      this.#logger.error({ err, callId: call.callId }, 'could not record the end of a call; it is kept and written when the database answers');
      this.#keep(call);
      return 'queued';
    }
    if (this.#pending.size > 0) void this.flush();
    return 'written';
  }

  /** Writes what waits, oldest first, until one fails. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flush().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  /** Stops retrying (the line is stopping); what still waits is logged. */
  close(): void {
    this.#closed = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size > 0) this.#logger.error({ callIds: [...this.#pending.keys()] }, 'call records never written: the database did not answer before the line stopped');
  }

  async #flush(): Promise<void> {
    let written = 0;
    for (const [callId, call] of this.#pending) {
      try {
        await this.#write(call);
      } catch (err) {
        this.#logger.warn({ err, pending: this.#pending.size }, 'the database still does not answer; call records wait');
        this.#schedule();
        return;
      }
      this.#pending.delete(callId);
      written++;
    }
    if (written > 0) this.#logger.info({ written }, 'call records kept while the database was down are written');
  }

  #write(call: EndedCall): Promise<boolean> {
    return withDeadline(this.#clock, this.#records.finish(call), this.#timeoutMs, 'recording a call');
  }

  #keep(call: EndedCall): void {
    this.#pending.set(call.callId, call);
    if (this.#pending.size > this.#max) {
      const [oldest] = this.#pending.keys();
      if (oldest !== undefined) {
        this.#pending.delete(oldest);
        this.#logger.error({ callId: oldest, maxPending: this.#max }, 'call record dropped: too many waiting for the database');
      }
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#retryMs);
  }
}
