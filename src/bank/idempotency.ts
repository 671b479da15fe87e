import { ClaveError } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';

/**
 * Runs `effect` once per (operation, key) inside the caller's transaction.
 * A repeat with the same request gets the stored answer and changes nothing;
 * a different request under a used key is refused (IDEMPOTENCY_CONFLICT).
 * On PostgreSQL a concurrent repeat waits on the primary key until the first
 * commits, then sees its answer.
 *
 * @example
 *   await db.transaction((tx) => onceByKey(tx, { operation: 'unlockSignature', key, requestHash, now }, () => unlock(tx)));
 */
export async function onceByKey<T>(
  tx: Queryable,
  req: { operation: string; key: string; requestHash: string; now: Date },
  effect: () => Promise<T>,
): Promise<T> {
  if (req.key.length === 0 || req.key.length > 200) {
    throw new RangeError('idempotency key must be 1 to 200 characters');
  }
  const inserted = await tx.query(
    `INSERT INTO bank_idempotency (operation, idempotency_key, request_hash, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (operation, idempotency_key) DO NOTHING RETURNING 1 AS fresh`,
    [req.operation, req.key, req.requestHash, req.now],
  );
  if (inserted.length === 0) {
    const [row] = await tx.query<{ request_hash: string; response: { value: T } | null }>(
      'SELECT request_hash, response FROM bank_idempotency WHERE operation = $1 AND idempotency_key = $2',
      [req.operation, req.key],
    );
    if (!row || row.request_hash !== req.requestHash || row.response === null) {
      throw new ClaveError('IDEMPOTENCY_CONFLICT', `idempotency key already used for a different ${req.operation} request`, {
        operation: req.operation,
      });
    }
    return row.response.value;
  }
  const value = await effect();
  await tx.query('UPDATE bank_idempotency SET response = $3 WHERE operation = $1 AND idempotency_key = $2', [
    req.operation,
    req.key,
    JSON.stringify({ value: value ?? null }),
  ]);
  return value;
}
