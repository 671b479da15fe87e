import pg from 'pg';
import type { Db, Queryable } from './db.ts';

export interface PostgresOptions {
  /** Connections in the pool; default 10. */
  max?: number;
  /**
   * How long getting a connection may take before the query fails; default
   * 5 s. Without it a server that stopped answering (a dead host, a firewall
   * dropping packets) would hold every query, and every call, forever.
   */
  connectTimeoutMs?: number;
}

/**
 * PostgreSQL through a connection pool. It recovers by itself when the
 * server comes back: a broken connection is dropped from the pool and the
 * next query opens a fresh one.
 *
 * @example
 *   const db = openPostgres('postgres://clave@db/clave');
 *   await db.query('SELECT 1');
 */
export function openPostgres(url: string, options: PostgresOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    // A server that vanished without closing the socket is noticed by TCP keep-alive rather than never.
    keepAlive: true,
  });
  // An idle client losing its connection must not crash the process; the
  // next query gets a fresh one.
  pool.on('error', () => {});
  // Every client keeps a listener for its whole life: a connection the server
  // ends can emit 'error' at moments the pool's own listeners do not cover
  // (twice in a row, or while the client changes hands), and an EventEmitter
  // 'error' nobody listens to crashes the process. The query or transaction
  // that owned the client sees the failure through its own promise.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  let closed = false;
  const wrap = (q: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T extends object>(sql: string, params: readonly unknown[] = []) {
      const res = await q.query(sql, params as unknown[]);
      return res.rows as T[];
    },
  });
  /**
   * A checked-out client with an 'error' listener for as long as it is ours.
   * pg-pool's own query() listens with once(), but a connection the server
   * ends can emit 'error' twice (the FATAL notice, then the closed socket),
   * and an EventEmitter 'error' nobody listens to crashes the process. A
   * client that errored is given back as broken, still listened to, so the
   * pool drops it and its late errors go nowhere.
   */
  async function withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken ??= err;
    };
    client.on('error', onError);
    try {
      return await work(client);
    } finally {
      if (!broken) client.off('error', onError);
      client.release(broken);
    }
  }
  return {
    kind: 'postgres',
    query: (sql, params) => withClient((client) => wrap(client).query(sql, params)),
    transaction: (fn) =>
      // The server may end the connection between two queries of the transaction (pg_terminate_backend, a restart).
      withClient(async (client) => {
        try {
          await client.query('BEGIN');
          const result = await fn(wrap(client));
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw err;
        }
      }),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
