import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from './db.ts';
import { guardStore, type GuardedDb, type GuardOptions } from './guarded.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

export type { Db, Queryable } from './db.ts';
export { migrate } from './migrate.ts';
export { openPglite } from './pglite.ts';
export { openPostgres } from './postgres.ts';
export { guardStore, type GuardedDb, type GuardOptions, type StoreHealth } from './guarded.ts';
export { asStoreError, storeCondition, type StoreCondition } from './store-errors.ts';
export { DRIVERS, freshPostgresDatabase, testDatabaseUrl, twoConnections, POSTGRES_SKIP_REASON } from './testing.ts';

/**
 * Opens the store the configuration names: PostgreSQL when a URL is given,
 * otherwise PGlite under `dataDir` (in memory when dataDir is undefined),
 * guarded (failures of the database itself are STORE_UNAVAILABLE, and it
 * keeps its health), and brings its schema up to date.
 */
export async function openStore(options: { databaseUrl?: string; dataDir?: string; guard?: GuardOptions }): Promise<GuardedDb> {
  let raw: Db;
  if (options.databaseUrl) {
    raw = openPostgres(options.databaseUrl);
  } else if (options.dataDir !== undefined) {
    const dir = join(options.dataDir, 'pglite');
    await mkdir(dir, { recursive: true });
    raw = await openPglite(dir);
  } else {
    raw = await openPglite();
  }
  const db = guardStore(raw, options.guard);
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
