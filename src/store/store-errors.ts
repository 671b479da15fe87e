import { ClaveError, isClaveError } from '../shared/index.ts';

/**
 * Why the database cannot do what it is asked, as an operator would put it.
 * Only conditions of the database itself: a query that is wrong (a bug), or a
 * constraint it enforces, is not one of them.
 */
export type StoreCondition = 'disk_full' | 'out_of_memory' | 'too_many_connections' | 'out_of_resources' | 'shutting_down' | 'unreachable';

/** Socket errors of a database that cannot be reached. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** What node-postgres says when a connection ends or cannot be had in time (it sets no code). */
const CONNECTION_LOST = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended)/;

/**
 * The condition behind `err`, or null when the database did answer and the
 * error is the query's own. SQLSTATE classes (PostgreSQL appendix A): 53
 * insufficient resources (53100 disk full, 53200 out of memory, 53300 too
 * many connections), 57P01-57P03 shutdown or not yet accepting connections,
 * 08 connection exception. PGlite reports the same SQLSTATEs.
 *
 * @example
 *   storeCondition({ code: '53100', message: 'could not extend file "base/5/16385": No space left on device' }); // 'disk_full'
 */
export function storeCondition(err: unknown): StoreCondition | null {
  if (typeof err !== 'object' || err === null) return null;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code === '53100') return 'disk_full';
    if (code === '53200') return 'out_of_memory';
    if (code === '53300') return 'too_many_connections';
    if (code.startsWith('53')) return 'out_of_resources';
    if (code === '57P01' || code === '57P02' || code === '57P03') return 'shutting_down';
    if (code.startsWith('08') || NETWORK_CODES.has(code)) return 'unreachable';
  }
  const message = (err as { message?: unknown }).message;
  if (typeof message === 'string' && CONNECTION_LOST.test(message)) return 'unreachable';
  return null;
}

const SAYS: Record<StoreCondition, string> = {
  disk_full: "the database's disk is full: nothing can be written until space is freed",
  out_of_memory: 'the database is out of memory',
  too_many_connections: 'the database refuses more connections (max_connections)',
  out_of_resources: 'the database is out of resources',
  shutting_down: 'the database is shutting down or not yet accepting connections',
  unreachable: 'the database cannot be reached',
};

/**
 * `err` as STORE_UNAVAILABLE when the database itself failed (details:
 * `condition`, `sqlstate` when there is one; the driver's error as `cause`),
 * otherwise `err` unchanged. The message says what an operator should know
 * first, and the driver's own words after it.
 *
 * @example
 *   throw asStoreError(err); // ClaveError STORE_UNAVAILABLE "the database's disk is full: … (SQLSTATE 53100: could not extend file …)"
 */
export function asStoreError(err: unknown): unknown {
  if (isClaveError(err)) return err;
  const condition = storeCondition(err);
  if (condition === null) return err;
  const e = err as { code?: unknown; message?: unknown };
  const sqlstate = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : null;
  const said = typeof e.message === 'string' ? e.message : String(err);
  const failure = new ClaveError('STORE_UNAVAILABLE', `${SAYS[condition]} (${sqlstate ? `SQLSTATE ${sqlstate}: ` : ''}${said})`, {
    condition,
    ...(sqlstate ? { sqlstate } : {}),
  });
  Object.defineProperty(failure, 'cause', { value: err, enumerable: false });
  return failure;
}
