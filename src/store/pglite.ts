import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable } from './db.ts';

/** Embedded PostgreSQL (WebAssembly). `dataDir` undefined keeps it in memory. */
export async function openPglite(dataDir?: string): Promise<Db> {
  const pg = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
  await pg.waitReady;
  let closed = false;
  const wrap = (q: Pick<PGlite, 'query'>): Queryable => ({
    async query<T extends object>(sql: string, params: readonly unknown[] = []) {
      const res = await q.query<T>(sql, params as unknown[]);
      return res.rows;
    },
  });
  const base = wrap(pg);
  return {
    kind: 'pglite',
    query: (sql, params) => base.query(sql, params),
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    async close() {
      if (closed) return;
      closed = true;
      await pg.close();
    },
  };
}
