import type { Queryable } from '../../store/index.ts';

/** A delivery this worker holds the lease of. */
export interface ClaimedDelivery {
  id: string;
  endpoint: string;
  event_type: string;
  body: string;
  /** Including the attempt just claimed. */
  attempts: number;
  give_up_at: Date;
}

/**
 * Claims up to `batch` due deliveries: pending ones whose time came, and
 * ones whose worker's lease ran out (it died or hung: delivery is at least
 * once). SKIP LOCKED lets workers in several processes claim disjoint sets
 * without waiting for each other; the due rows are picked once, in a
 * MATERIALIZED CTE, and re-checked in the UPDATE.
 */
export async function claimDeliveries(db: Queryable, now: Date, leaseMs: number, batch: number, owner: string): Promise<ClaimedDelivery[]> {
  return db.query<ClaimedDelivery>(
    `WITH due AS MATERIALIZED (
       SELECT id FROM incidents_webhook_deliveries
       WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'delivering' AND lease_until <= $1)
       ORDER BY next_attempt_at, id
       LIMIT $3
       FOR UPDATE SKIP LOCKED
     )
     UPDATE incidents_webhook_deliveries d
     SET status = 'delivering', attempts = d.attempts + 1, lease_owner = $4, lease_until = $2, updated_at = $1
     FROM due
     WHERE d.id = due.id AND (d.status = 'pending' OR d.lease_until <= $1)
     RETURNING d.id, d.endpoint, d.event_type, d.body, d.attempts, d.give_up_at`,
    [now, new Date(now.getTime() + leaseMs), batch, owner],
  );
}

export type Settlement =
  | { status: 'delivered' }
  | { status: 'pending'; retryAt: Date; error: string }
  | { status: 'dead'; reason: string; error: string };

/**
 * Records the outcome of one attempt, if this worker still holds the lease
 * for that very attempt; false when it lost it (another worker owns the
 * delivery now and will try again).
 */
export async function settleDelivery(db: Queryable, claim: ClaimedDelivery, owner: string, now: Date, outcome: Settlement): Promise<boolean> {
  const mine = "id = $1 AND status = 'delivering' AND lease_owner = $2 AND attempts = $3";
  const base = [claim.id, owner, claim.attempts, now];
  const rows =
    outcome.status === 'delivered'
      ? await db.query(
        `UPDATE incidents_webhook_deliveries SET status = 'delivered', delivered_at = $4, lease_owner = NULL, lease_until = NULL,
           last_error = NULL, updated_at = $4 WHERE ${mine} RETURNING id`,
        base,
      )
      : outcome.status === 'pending'
        ? await db.query(
          `UPDATE incidents_webhook_deliveries SET status = 'pending', next_attempt_at = $5, last_error = $6, lease_owner = NULL,
             lease_until = NULL, updated_at = $4 WHERE ${mine} RETURNING id`,
          [...base, outcome.retryAt, outcome.error],
        )
        : await db.query(
          `UPDATE incidents_webhook_deliveries SET status = 'dead', dead_reason = $5, last_error = $6, lease_owner = NULL,
             lease_until = NULL, updated_at = $4 WHERE ${mine} RETURNING id`,
          [...base, outcome.reason, outcome.error],
        );
  return rows.length > 0;
}
