import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaveError, isClaveError, SimulatedClock } from '../shared/index.ts';
import type { Db, Queryable } from './db.ts';
import { guardStore, type StoreHealth } from './guarded.ts';
import { openPglite } from './pglite.ts';
import { asStoreError, storeCondition } from './store-errors.ts';

const DISK_FULL = Object.assign(new Error('could not extend file "base/5/16385": No space left on device'), { code: '53100' });

/** A store whose writes fail with `writeError` while it is set; reads always work. */
class FillingDb implements Db {
  readonly kind = 'pglite' as const;
  writeError: Error | null = null;
  readError: Error | null = null;
  query<T extends object>(sql: string): Promise<T[]> {
    const error = /^\s*SELECT/i.test(sql) ? this.readError : this.writeError;
    return error ? Promise.reject(error) : Promise.resolve([] as T[]);
  }
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return fn(this);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

async function thrown(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('it did not throw');
}

describe('storeCondition and asStoreError', () => {
  it('names the database’s own conditions by SQLSTATE, socket error or node-postgres’s words', () => {
    const cases: [unknown, string | null][] = [
      [{ code: '53100' }, 'disk_full'],
      [{ code: '53200' }, 'out_of_memory'],
      [{ code: '53300' }, 'too_many_connections'],
      [{ code: '53400' }, 'out_of_resources'],
      [{ code: '57P01' }, 'shutting_down'],
      [{ code: '57P03' }, 'shutting_down'],
      [{ code: '08006' }, 'unreachable'],
      [{ code: 'ECONNREFUSED' }, 'unreachable'],
      [new Error('Connection terminated unexpectedly'), 'unreachable'],
      [new Error('timeout exceeded when trying to connect'), 'unreachable'],
      // The query's own errors are not the database failing.
      [{ code: '23505' }, null],
      [{ code: '42P01' }, null],
      [{ code: '57014' }, null],
      [new Error('a bug'), null],
      ['text', null],
      [null, null],
    ];
    for (const [err, condition] of cases) expect(storeCondition(err), JSON.stringify(err)).toBe(condition);
  });

  it('turns a full disk into STORE_UNAVAILABLE saying what to do, with the SQLSTATE and the driver’s error as cause', () => {
    const mapped = asStoreError(DISK_FULL);
    expect(isClaveError(mapped, 'STORE_UNAVAILABLE')).toBe(true);
    const e = mapped as ClaveError;
    expect(e.message).toBe(`the database's disk is full: nothing can be written until space is freed (SQLSTATE 53100: ${DISK_FULL.message})`);
    expect(e.details).toEqual({ condition: 'disk_full', sqlstate: '53100' });
    expect(e.cause).toBe(DISK_FULL);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect((asStoreError(refused) as ClaveError).details).toEqual({ condition: 'unreachable' });
  });

  it('leaves other errors as they are', () => {
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect(asStoreError(unique)).toBe(unique);
    const own = new ClaveError('BANK_UNAVAILABLE', 'x');
    expect(asStoreError(own)).toBe(own);
  });
});

describe('guardStore', () => {
  it('fails as STORE_UNAVAILABLE inside and outside transactions, keeps its health, and tells each change once', async () => {
    const inner = new FillingDb();
    const clock = new SimulatedClock();
    const changes: [StoreHealth, StoreHealth][] = [];
    const db = guardStore(inner, { clock, onChange: (now, before) => changes.push([now, before]) });
    expect(db.health()).toEqual({ kind: 'pglite', state: 'ok' });

    inner.writeError = DISK_FULL;
    expect(await thrown(db.query('INSERT INTO calls VALUES (1)'))).toMatchObject({ code: 'STORE_UNAVAILABLE', details: { condition: 'disk_full' } });
    // Inside a transaction the callback sees the same error, and the transaction rejects with it.
    let seen: unknown;
    const tx = await thrown(db.transaction(async (t) => {
      seen = await thrown(t.query('UPDATE x SET y = 1'));
      throw seen;
    }));
    expect(tx).toBe(seen);
    expect(isClaveError(seen, 'STORE_UNAVAILABLE')).toBe(true);
    expect(db.health()).toEqual({
      kind: 'pglite', state: 'failing', condition: 'disk_full', since: new Date(clock.now()).toISOString(),
      message: `the database's disk is full: nothing can be written until space is freed (SQLSTATE 53100: ${DISK_FULL.message})`,
    });
    expect(changes).toHaveLength(1);

    // Reads work on a full disk: they do not say it is over, nor does a transaction that only read.
    expect(await db.query('SELECT 1')).toEqual([]);
    await db.transaction((t) => t.query('SELECT 1'));
    expect(db.health().state).toBe('failing');

    // A write that still finds room does not say it is over while others fail.
    inner.writeError = null;
    await db.query('UPDATE x SET y = 2');
    expect(db.health().state).toBe('failing');
    inner.writeError = DISK_FULL;
    await thrown(db.query('INSERT INTO calls VALUES (2)'));
    expect(changes).toHaveLength(1);

    // Space is freed: the first write that succeeds 10 s after the last failure says so.
    inner.writeError = null;
    await clock.advance(9_999);
    await db.query('INSERT INTO calls VALUES (3)');
    expect(db.health().state).toBe('failing');
    await clock.advance(1);
    await db.query('INSERT INTO calls VALUES (3)');
    expect(db.health()).toEqual({ kind: 'pglite', state: 'ok' });
    expect(changes.map(([now, before]) => [now.state, before.state])).toEqual([['failing', 'ok'], ['ok', 'failing']]);
  });

  it('takes any answer as the end of a lost connection, and a query’s own error as no failure of the store', async () => {
    const inner = new FillingDb();
    const db = guardStore(inner, { recoverAfterMs: 0 });
    inner.readError = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    inner.writeError = inner.readError;
    await thrown(db.query('SELECT 1'));
    expect(db.health()).toMatchObject({ state: 'failing', condition: 'unreachable' });
    inner.readError = null;
    await db.query('SELECT 1');
    expect(db.health().state).toBe('ok');

    inner.writeError = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    const err = await thrown(db.query('INSERT INTO t VALUES (1)'));
    expect(err).toBe(inner.writeError);
    expect(db.health().state).toBe('ok');
  });

  describe('on PGlite', () => {
    let pglite: Db;
    beforeAll(async () => {
      pglite = await openPglite();
      await pglite.query('CREATE TABLE guarded_t (id int PRIMARY KEY)');
    }, 60_000);
    afterAll(() => pglite.close());

    it('passes rows through, and a constraint violation unchanged with its SQLSTATE', async () => {
      const db = guardStore(pglite);
      await db.query('INSERT INTO guarded_t VALUES (1)');
      expect(await db.query<{ id: number }>('SELECT id FROM guarded_t')).toEqual([{ id: 1 }]);
      const err = await thrown(db.transaction((tx) => tx.query('INSERT INTO guarded_t VALUES (1)')));
      expect(isClaveError(err)).toBe(false);
      expect((err as { code?: string }).code).toBe('23505');
      expect(db.health().state).toBe('ok');
    });
  });
});
