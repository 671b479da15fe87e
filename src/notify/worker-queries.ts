import type { Queryable } from '../store/index.ts';
import type { OutboxChannel } from './types.ts';
import { sourcesSql } from './status.ts';

/** The worker's statements. Each is one statement, so each is atomic without a transaction. */

export interface ClaimedMessage {
  id: string;
  channel: OutboxChannel;
  recipient: string;
  subject: string | null;
  body: string;
  language: string;
  secret_sealed: string | null;
  /** Including the attempt just claimed. */
  attempts: number;
}

const LEASE_LOST = 'worker lease ran out before the outcome was recorded';

/**
 * Messages left in `sending` by a worker that died: back to pending, or
 * failed (secret wiped) when their attempts are spent. The channel may have
 * accepted them before the worker died, so delivery is at-least-once.
 */
export async function recoverStale(db: Queryable, now: Date, maxAttempts: number): Promise<number> {
  const failed = await db.query(
    `UPDATE notify_outbox SET status = 'failed', secret_sealed = NULL, lease_until = NULL, last_error = $3, updated_at = $1
     WHERE status = 'sending' AND lease_until < $1 AND attempts >= $2 RETURNING id`,
    [now, maxAttempts, LEASE_LOST],
  );
  const retried = await db.query(
    `UPDATE notify_outbox SET status = 'pending', lease_until = NULL, next_attempt_at = $1, last_error = $2, updated_at = $1
     WHERE status = 'sending' AND lease_until < $1 RETURNING id`,
    [now, LEASE_LOST],
  );
  return failed.length + retried.length;
}

/** Held or pending messages past their expiry: never sent, secret wiped. */
export async function expireDue(db: Queryable, now: Date): Promise<number> {
  const rows = await db.query(
    `UPDATE notify_outbox SET status = 'expired', secret_sealed = NULL, updated_at = $1
     WHERE ${sourcesSql('expired')} AND expires_at <= $1 RETURNING id`,
    [now],
  );
  return rows.length;
}

/**
 * Claims up to `batch` due messages for this worker. SKIP LOCKED lets
 * several workers on one PostgreSQL claim disjoint sets without waiting on
 * each other; a row another worker claimed meanwhile fails the re-checked
 * `status = 'pending'` and is left out.
 */
export async function claimDue(db: Queryable, now: Date, leaseMs: number, batch: number): Promise<ClaimedMessage[]> {
  return db.query<ClaimedMessage>(
    `UPDATE notify_outbox
     SET status = 'sending', attempts = attempts + 1, lease_until = $2, updated_at = $1
     WHERE id IN (
       SELECT id FROM notify_outbox
       WHERE status = 'pending' AND next_attempt_at <= $1 AND (expires_at IS NULL OR expires_at > $1)
       ORDER BY next_attempt_at, created_at, id
       LIMIT $3
       FOR UPDATE SKIP LOCKED
     ) AND status = 'pending'
     RETURNING id, channel, recipient, subject, body, language, secret_sealed, attempts`,
    [now, new Date(now.getTime() + leaseMs), batch],
  );
}

/** The channel accepted it: delivered and secret wiped in the same statement. */
export async function markDelivered(db: Queryable, id: string, now: Date, providerId: string): Promise<boolean> {
  const rows = await db.query(
    `UPDATE notify_outbox
     SET status = 'delivered', secret_sealed = NULL, delivered_at = $2, provider_id = $3, lease_until = NULL,
         last_error = NULL, updated_at = $2
     WHERE id = $1 AND status = 'sending' RETURNING id`,
    [id, now, providerId.slice(0, 200)],
  );
  return rows.length === 1;
}

/** A failed attempt: retried at `retryAt`, or failed for good (secret wiped) when it is null. */
export async function markAttemptFailed(db: Queryable, id: string, now: Date, error: string, retryAt: Date | null): Promise<void> {
  if (retryAt === null) {
    await db.query(
      `UPDATE notify_outbox SET status = 'failed', secret_sealed = NULL, lease_until = NULL, last_error = $3, updated_at = $2
       WHERE id = $1 AND status = 'sending'`,
      [id, now, error],
    );
    return;
  }
  await db.query(
    `UPDATE notify_outbox SET status = 'pending', lease_until = NULL, last_error = $3, next_attempt_at = $4, updated_at = $2
     WHERE id = $1 AND status = 'sending'`,
    [id, now, error, retryAt],
  );
}
