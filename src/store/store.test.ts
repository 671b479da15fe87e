import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './db.ts';
import { migrate, splitStatements } from './migrate.ts';
import { openPostgres } from './postgres.ts';
import { DRIVERS, freshPostgresDatabase, POSTGRES_SKIP_REASON } from './testing.ts';

// One contract, every driver: the same SQL must give the same values.
for (const driver of DRIVERS) {
  describe.skipIf(!driver.available)(`store on ${driver.name}${driver.available ? '' : ` (skipped: ${POSTGRES_SKIP_REASON})`}`, () => {
    let db: Db;
    let opened: { db: Db; done(): Promise<void> } | undefined;
    beforeAll(async () => {
      opened = await driver.open();
      db = opened.db;
    });
    afterAll(async () => {
      await opened?.done();
    });

    it('applies every migration once, and a second run applies none', async () => {
      const first = await migrate(db);
      expect(first[0]).toBe('0001_calls');
      expect(first.length).toBeGreaterThanOrEqual(5);
      expect(await migrate(db)).toEqual([]);
      const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows[0]?.n).toBe(first.length);
    });

    it('reads timestamptz as Date, counts as numbers and jsonb as objects', async () => {
      const [row] = await db.query<{ at: Date; n: number; doc: { a: number[] } }>(
        "SELECT '2026-01-02T03:04:05Z'::timestamptz AS at, count(*)::int AS n, '{\"a\":[1,2]}'::jsonb AS doc FROM schema_migrations",
      );
      expect(row?.at).toBeInstanceOf(Date);
      expect(row?.at.toISOString()).toBe('2026-01-02T03:04:05.000Z');
      expect(typeof row?.n).toBe('number');
      expect(row?.doc).toEqual({ a: [1, 2] });
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      await db.query('CREATE TABLE store_probe (id int PRIMARY KEY)');
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO store_probe VALUES (1)');
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO store_probe VALUES (2)');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await expect(db.transaction((tx) => tx.query('INSERT INTO store_probe VALUES (1)'))).rejects.toThrow(/duplicate key/);
      const rows = await db.query<{ id: number }>('SELECT id FROM store_probe ORDER BY id');
      expect(rows).toEqual([{ id: 1 }]);
    });

    it.skipIf(driver.name !== 'postgres')('lets two processes migrate one database at once, each migration once (PostgreSQL only: PGlite has one connection)', async () => {
      const fresh = await freshPostgresDatabase();
      const a = openPostgres(fresh.url);
      const b = openPostgres(fresh.url);
      try {
        const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
        const applied = await a.query('SELECT version FROM schema_migrations');
        expect(ra.length + rb.length).toBe(applied.length);
        expect(applied.length).toBeGreaterThanOrEqual(5);
      } finally {
        await a.close();
        await b.close();
        await fresh.drop();
      }
    });

    it('closes idempotently', async () => {
      const other = await driver.open();
      await other.db.close();
      await expect(other.db.close()).resolves.toBeUndefined();
      await other.done();
    });
  });
}

describe('splitStatements', () => {
  it('splits on semicolons at line ends and drops comments', () => {
    expect(splitStatements('-- a table\nCREATE TABLE a (x int);\nCREATE INDEX b ON a (x);\n')).toEqual(['CREATE TABLE a (x int)', 'CREATE INDEX b ON a (x)']);
  });
});
