import type { Logger } from '../log/index.ts';
import type { Clock, TimerHandle } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';

const MINUTE = 60_000;
/** Written a second after each minute ends, before the detector judges it. */
const FLUSH_OFFSET_MS = 1_000;
/** Rows older than this are purged: the detector looks back an hour at most. */
const KEEP_MS = 24 * 60 * MINUTE;

/**
 * Counts the callers refused at capacity (SIP 503, the softphone's
 * AT_CAPACITY) per minute and dialed number, and adds them to the store once
 * a minute, so the outage detector, in whichever process it runs, counts
 * them as calls offered: a surge the line turns away is still a surge.
 * Counting costs nothing per refusal but a map increment; a failed write
 * keeps the counts for the next minute.
 *
 * @example
 *   const refusals = new RefusalLog(db, { clock, logger, nodeId });
 *   refusals.start();
 *   refusals.note('950183313'); // a 503
 *   await refusals.close();     // writes what is left
 */
export class RefusalLog {
  readonly #db: Queryable;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #nodeId: string;
  /** minute start (ms) → dialed → refused */
  #pending = new Map<number, Map<string, number>>();
  #timer: TimerHandle | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(db: Queryable, deps: { clock: Clock; logger: Logger; nodeId: string }) {
    this.#db = db;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#nodeId = deps.nodeId;
  }

  note(dialed: string): void {
    this.#add(Math.floor(this.#clock.now() / MINUTE) * MINUTE, dialed, 1);
  }

  /** Writes a second after every minute boundary, until close(). */
  start(): void {
    const now = this.#clock.now();
    const next = Math.floor(now / MINUTE) * MINUTE + MINUTE + FLUSH_OFFSET_MS;
    this.#timer = this.#clock.setTimeout(() => {
      void this.flush().finally(() => {
        if (this.#timer !== undefined) this.start();
      });
    }, next - now);
  }

  /** Adds every count noted so far to the store (one statement); kept for the next try if the store fails. */
  flush(): Promise<void> {
    this.#writing = this.#writing.then(() => this.#write());
    return this.#writing;
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return;
    const taken = this.#pending;
    this.#pending = new Map();
    const rows = [...taken].flatMap(([minute, counts]) => [...counts].map(([dialed, n]) => ({ minute: new Date(minute).toISOString(), dialed, n })));
    try {
      await this.#db.query(
        `INSERT INTO call_refusals (minute, dialed, node_id, n)
         SELECT r.minute, r.dialed, $2, r.n FROM jsonb_to_recordset($1::jsonb) AS r(minute timestamptz, dialed text, n int)
         ON CONFLICT (minute, dialed, node_id) DO UPDATE SET n = call_refusals.n + EXCLUDED.n`,
        [JSON.stringify(rows), this.#nodeId],
      );
      await this.#db.query('DELETE FROM call_refusals WHERE minute < $1', [new Date(this.#clock.now() - KEEP_MS)]);
    } catch (err) {
      // Put them back: the next minute's write carries them.
      for (const [minute, counts] of taken) for (const [dialed, n] of counts) this.#add(minute, dialed, n);
      this.#logger.warn({ err, refusals: rows.reduce((s, r) => s + r.n, 0) }, 'could not record the callers refused at capacity; trying again next minute');
    }
  }

  #add(minute: number, dialed: string, n: number): void {
    let counts = this.#pending.get(minute);
    if (!counts) this.#pending.set(minute, (counts = new Map<string, number>()));
    counts.set(dialed, (counts.get(dialed) ?? 0) + n);
  }
}
