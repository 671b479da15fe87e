import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from './db.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

export type { Db, Queryable } from './db.ts';
export { migrate } from './migrate.ts';
export { openPglite } from './pglite.ts';
export { openPostgres } from './postgres.ts';
export { DRIVERS, freshPostgresDatabase, testDatabaseUrl, twoConnections, POSTGRES_SKIP_REASON } from './testing.ts';

/**
 * Opens the store the configuration names: PostgreSQL when a URL is given,
 * otherwise PGlite under `dataDir` (in memory when dataDir is undefined), and
 * brings its schema up to date.
 */
export async function openStore(options: { databaseUrl?: string; dataDir?: string }): Promise<Db> {
  let db: Db;
  if (options.databaseUrl) {
    db = openPostgres(options.databaseUrl);
  } else if (options.dataDir !== undefined) {
    const dir = join(options.dataDir, 'pglite');
    await mkdir(dir, { recursive: true });
    db = await openPglite(dir);
  } else {
    db = await openPglite();
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
