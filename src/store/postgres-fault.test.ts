// Issue 6: the store under fault. PostgreSQL ending our connections (a
// restart, a failover, pg_terminate_backend) must cost the queries in flight,
// never the process, and the pool must serve again by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './db.ts';
import { openPostgres } from './postgres.ts';
import { freshPostgresDatabase, POSTGRES_SKIP_REASON, testDatabaseUrl } from './testing.ts';

const TERMINATE_OTHERS = 'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()';

describe.skipIf(!testDatabaseUrl())(`PostgreSQL connections ended by the server${testDatabaseUrl() ? '' : ` (skipped: ${POSTGRES_SKIP_REASON})`}`, () => {
  let fresh: { url: string; drop(): Promise<void> };
  let db: Db;
  let admin: Db;
  beforeAll(async () => {
    fresh = await freshPostgresDatabase();
    db = openPostgres(fresh.url, { max: 3 });
    admin = openPostgres(fresh.url, { max: 1 });
    await db.query('CREATE TABLE fault_probe (id int PRIMARY KEY)');
  });
  afterAll(async () => {
    await db?.close();
    await admin?.close();
    await fresh?.drop();
  });

  it('fails the transaction whose connection died between two of its queries, keeps the process alive, and serves the next query', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const attempt = db.transaction(async (tx) => {
        await tx.query('INSERT INTO fault_probe VALUES (1)');
        expect((await admin.query<{ n: number }>(TERMINATE_OTHERS))[0]?.n).toBeGreaterThanOrEqual(1);
        // No query in flight while the server's goodbye arrives: the case that used to throw from an EventEmitter.
        await new Promise((r) => setTimeout(r, 200));
        await tx.query('INSERT INTO fault_probe VALUES (2)');
      });
      await expect(attempt).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 50));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    // Nothing of the broken transaction remains, and the pool answers again without a restart.
    expect(await db.query('SELECT id FROM fault_probe')).toEqual([]);
    await db.transaction((tx) => tx.query('INSERT INTO fault_probe VALUES (3)'));
    expect(await db.query('SELECT id FROM fault_probe')).toEqual([{ id: 3 }]);
  });

  it('recovers after every pooled connection was ended while idle', async () => {
    await Promise.all([db.query('SELECT pg_sleep(0.05)'), db.query('SELECT pg_sleep(0.05)'), db.query('SELECT pg_sleep(0.05)')]);
    expect((await admin.query<{ n: number }>(TERMINATE_OTHERS))[0]?.n).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 100));
    const rows = await db.query<{ x: number }>('SELECT 1 AS x');
    expect(rows).toEqual([{ x: 1 }]);
  });

  it('fails fast rather than hanging when the server cannot be reached', async () => {
    // A port nothing listens on: refused at once, within the connect timeout.
    const nowhere = new URL(fresh.url);
    nowhere.port = '9';
    const lost = openPostgres(nowhere.toString(), { max: 1, connectTimeoutMs: 1000 });
    const started = Date.now();
    await expect(lost.query('SELECT 1')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1500);
    await lost.close();
  });
});
