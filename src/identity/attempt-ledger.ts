import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../store/index.ts';
import type { VerificationLimits } from './limits.ts';

export type Reservation = { kind: 'reserved'; id: string } | { kind: 'locked' };

interface CustomerRow {
  locked_until: Date | null;
}

interface CountRow {
  failures: number;
  pending: number;
}

/**
 * The per-customer count of card verifications, kept in the store so it holds
 * across concurrent calls, processes and restarts. An attempt is reserved
 * before the bank is asked and settled after, each step one transaction that
 * first locks the customer's row: two calls can never both take the last try.
 *
 * Times are the injected clock's, passed as parameters, never SQL now().
 */
export class AttemptLedger {
  readonly #db: Db;
  readonly #limits: VerificationLimits;

  constructor(db: Db, limits: VerificationLimits) {
    this.#db = db;
    this.#limits = limits;
  }

  /**
   * Takes one try for the customer, or answers 'locked' when the customer is
   * locked or failures plus attempts in flight already reach the maximum.
   */
  reserve(customerId: string, callId: string, now: number): Promise<Reservation> {
    return this.#db.transaction(async (tx) => {
      const row = await lockCustomer(tx, customerId, now);
      if (isActiveLock(row, now)) return { kind: 'locked' };
      // Rows older than the window never count again.
      await tx.query('DELETE FROM identity_attempts WHERE customer_id = $1 AND created_at < $2', [
        customerId,
        new Date(now - this.#limits.failureWindowMs),
      ]);
      // A reservation its process never settled counts as a failure.
      await tx.query(
        `UPDATE identity_attempts SET status = 'failed', settled_at = $3
          WHERE customer_id = $1 AND status = 'pending' AND created_at < $2`,
        [customerId, new Date(now - this.#limits.pendingTtlMs), new Date(now)],
      );
      const { failures, pending } = await this.#count(tx, customerId, row, now);
      if (failures >= this.#limits.maxFailures) {
        await this.#lock(tx, customerId, now);
        return { kind: 'locked' };
      }
      if (failures + pending >= this.#limits.maxFailures) return { kind: 'locked' };
      const id = randomUUID();
      await tx.query(
        `INSERT INTO identity_attempts (id, customer_id, call_id, status, created_at) VALUES ($1, $2, $3, 'pending', $4)`,
        [id, customerId, callId, new Date(now)],
      );
      return { kind: 'reserved', id };
    });
  }

  /**
   * Records the bank's answer for a reserved attempt. A failure that reaches
   * the maximum locks self-service and answers 'locked'.
   */
  settle(customerId: string, attemptId: string, matched: boolean, now: number): Promise<'verified' | 'failed' | 'locked'> {
    return this.#db.transaction(async (tx) => {
      const row = await lockCustomer(tx, customerId, now);
      if (matched) {
        await tx.query('DELETE FROM identity_attempts WHERE id = $1', [attemptId]);
        return 'verified';
      }
      await tx.query(`UPDATE identity_attempts SET status = 'failed', settled_at = $2 WHERE id = $1`, [
        attemptId,
        new Date(now),
      ]);
      if (isActiveLock(row, now)) return 'locked';
      const { failures } = await this.#count(tx, customerId, row, now);
      if (failures < this.#limits.maxFailures) return 'failed';
      await this.#lock(tx, customerId, now);
      return 'locked';
    });
  }

  /** Gives back a reserved try whose bank call could not be made: it counts as nothing. */
  async release(attemptId: string): Promise<void> {
    await this.#db.query(`DELETE FROM identity_attempts WHERE id = $1 AND status = 'pending'`, [attemptId]);
  }

  /** The end of the customer's lock, or null when not locked. Changes nothing. */
  async lockedUntil(customerId: string, now: number): Promise<Date | null> {
    const rows = await this.#db.query<CustomerRow>('SELECT locked_until FROM identity_customers WHERE customer_id = $1', [
      customerId,
    ]);
    const row = rows[0];
    return row && isActiveLock(row, now) ? row.locked_until : null;
  }

  async #count(tx: Queryable, customerId: string, row: CustomerRow, now: number): Promise<CountRow> {
    // Failures before the end of an earlier lock were paid for by that lock.
    const windowStart = Math.max(now - this.#limits.failureWindowMs, row.locked_until?.getTime() ?? 0);
    const rows = await tx.query<CountRow>(
      `SELECT count(*) FILTER (WHERE status = 'failed')::int AS failures,
              count(*) FILTER (WHERE status = 'pending')::int AS pending
         FROM identity_attempts WHERE customer_id = $1 AND created_at >= $2`,
      [customerId, new Date(windowStart)],
    );
    return rows[0] ?? { failures: 0, pending: 0 };
  }

  async #lock(tx: Queryable, customerId: string, now: number): Promise<void> {
    await tx.query('UPDATE identity_customers SET locked_until = $2, updated_at = $3 WHERE customer_id = $1', [
      customerId,
      new Date(now + this.#limits.lockMs),
      new Date(now),
    ]);
  }
}

/** Creates the customer's row if needed and locks it for the rest of the transaction. */
async function lockCustomer(tx: Queryable, customerId: string, now: number): Promise<CustomerRow> {
  await tx.query(
    'INSERT INTO identity_customers (customer_id, updated_at) VALUES ($1, $2) ON CONFLICT (customer_id) DO NOTHING',
    [customerId, new Date(now)],
  );
  const rows = await tx.query<CustomerRow>(
    'SELECT locked_until FROM identity_customers WHERE customer_id = $1 FOR UPDATE',
    [customerId],
  );
  return rows[0] ?? { locked_until: null };
}

function isActiveLock(row: CustomerRow, now: number): row is { locked_until: Date } {
  return row.locked_until !== null && row.locked_until.getTime() > now;
}
