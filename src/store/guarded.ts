import { systemClock, type Clock } from '../shared/index.ts';
import type { Db, Queryable } from './db.ts';
import { asStoreError, storeCondition, type StoreCondition } from './store-errors.ts';

/** What the store's health says (GET /healthz). */
export type StoreHealth =
  | { kind: Db['kind']; state: 'ok' }
  | { kind: Db['kind']; state: 'failing'; condition: StoreCondition; message: string; since: string };

export interface GuardedDb extends Db {
  health(): StoreHealth;
}

export interface GuardOptions {
  clock?: Clock;
  /**
   * How long without a failure before a success says the store works again
   * (default 10 s). A full disk fails some writes and not others (a table
   * with room left in its pages takes rows): without it the health would
   * flap with every write.
   */
  recoverAfterMs?: number;
  /** The store started failing, failed differently, or works again: once per change, for the log. */
  onChange?: (now: StoreHealth, before: StoreHealth) => void;
}

/** Conditions that reads survive: only a write that succeeds shows they are over. */
const WRITES_ONLY: ReadonlySet<StoreCondition> = new Set(['disk_full', 'out_of_memory', 'out_of_resources']);
const READ = /^\s*(SELECT|SHOW)\b/i;

/**
 * The store as the rest of Clave sees it: a failure of the database itself
 * (a full disk, no memory, no connection, a shutdown) comes out as
 * STORE_UNAVAILABLE with a message an operator can act on, inside
 * transactions too, and the store keeps its health: failing from the first
 * such failure, ok again once the database does what failed (a write, for a
 * full disk: reads go on working meanwhile) with no failure for a while.
 *
 * @example
 *   const db = guardStore(await openPglite(dir), { onChange: (now) => logger.warn(now, 'store') });
 *   await db.query('INSERT …'); // throws ClaveError STORE_UNAVAILABLE { condition: 'disk_full', sqlstate: '53100' }
 *   db.health(); // { kind: 'pglite', state: 'failing', condition: 'disk_full', message: "the database's disk is full: …", since: '…' }
 */
export function guardStore(db: Db, options: GuardOptions = {}): GuardedDb {
  const clock = options.clock ?? systemClock;
  const recoverAfterMs = options.recoverAfterMs ?? 10_000;
  let health: StoreHealth = { kind: db.kind, state: 'ok' };
  let lastFailureAt = 0;

  const change = (next: StoreHealth) => {
    const before = health;
    health = next;
    options.onChange?.(next, before);
  };
  const failed = (err: unknown): never => {
    const mapped = asStoreError(err);
    const condition = storeCondition(err);
    if (condition !== null) lastFailureAt = clock.now();
    if (condition !== null && (health.state === 'ok' || health.condition !== condition)) {
      change({ kind: db.kind, state: 'failing', condition, message: (mapped as Error).message, since: new Date(clock.now()).toISOString() });
    }
    throw mapped;
  };
  const succeeded = (wrote: boolean) => {
    if (health.state !== 'failing' || clock.now() - lastFailureAt < recoverAfterMs) return;
    if (wrote || !WRITES_ONLY.has(health.condition)) change({ kind: db.kind, state: 'ok' });
  };
  /** A transaction's queries, noting whether one of them wrote. */
  const guarded = (q: Queryable, wrote: { yes: boolean }): Queryable => ({
    async query<T extends object>(sql: string, params?: readonly unknown[]) {
      const rows = await q.query<T>(sql, params).catch(failed);
      if (!READ.test(sql)) wrote.yes = true;
      return rows;
    },
  });

  return {
    kind: db.kind,
    async query<T extends object>(sql: string, params?: readonly unknown[]) {
      const rows = await db.query<T>(sql, params).catch(failed);
      succeeded(!READ.test(sql));
      return rows;
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      // An error of the database inside `fn` is already STORE_UNAVAILABLE (and noted); the commit's is mapped here.
      const wrote = { yes: false };
      const result = await db.transaction((tx) => fn(guarded(tx, wrote))).catch(failed);
      succeeded(wrote.yes);
      return result;
    },
    close: () => db.close(),
    health: () => health,
  };
}
