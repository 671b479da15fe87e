import { randomBytes } from 'node:crypto';
import type { Db } from './db.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

/** Why PostgreSQL tests skip, when they do. */
export const POSTGRES_SKIP_REASON = 'CLAVE_TEST_DATABASE_URL is not set (bash .ci/run starts a PostgreSQL and sets it)';

export function testDatabaseUrl(): string | undefined {
  return process.env['CLAVE_TEST_DATABASE_URL'] || undefined;
}

/**
 * A fresh, empty PostgreSQL database for one test file, created on the
 * server CLAVE_TEST_DATABASE_URL names, and dropped by `drop()`.
 */
export async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = testDatabaseUrl();
  if (!base) throw new Error(POSTGRES_SKIP_REASON);
  const name = `clave_test_${randomBytes(6).toString('hex')}`;
  const admin = openPostgres(base, { max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.close();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = openPostgres(base, { max: 1 });
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.close();
    },
  };
}

/** The drivers a contract test runs against: PGlite always, PostgreSQL when configured. */
export const DRIVERS: { name: string; available: boolean; open(): Promise<{ db: Db; done(): Promise<void> }> }[] = [
  {
    name: 'pglite',
    available: true,
    async open() {
      const db = await openPglite();
      return { db, done: () => db.close() };
    },
  },
  {
    name: 'postgres',
    available: testDatabaseUrl() !== undefined,
    async open() {
      const fresh = await freshPostgresDatabase();
      const db = openPostgres(fresh.url);
      return {
        db,
        async done() {
          await db.close();
          await fresh.drop();
        },
      };
    },
  },
];

/**
 * Two "processes" on one database for concurrency tests: two pools on a
 * fresh PostgreSQL database, or, for PGlite (one connection), the same
 * handle twice.
 *
 * @example
 *   const { a, b, done } = await twoConnections('postgres');
 */
export async function twoConnections(driver: string): Promise<{ a: Db; b: Db; done(): Promise<void> }> {
  if (driver === 'pglite') {
    const db = await openPglite();
    return { a: db, b: db, done: () => db.close() };
  }
  const fresh = await freshPostgresDatabase();
  const a = openPostgres(fresh.url);
  const b = openPostgres(fresh.url);
  return {
    a,
    b,
    async done() {
      await a.close();
      await b.close();
      await fresh.drop();
    },
  };
}
