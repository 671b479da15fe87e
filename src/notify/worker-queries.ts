import type { Db, Queryable } from '../store/index.ts';
import type { AttemptOutcome } from './attempt-outcome.ts';
import type { DeliveryReceipt, DeliveryResult, OutboxChannel } from './types.ts';
import { sourcesSql } from './status.ts';

/**
 * The worker's statements. A status change and the attempt it ends are
 * written in one transaction, so the record of attempts never disagrees with
 * the message.
 */

export interface ClaimedMessage {
  id: string;
  channel: OutboxChannel;
  recipient: string;
  subject: string | null;
  body: string;
  language: string;
  secret_sealed: string | null;
  expires_at: Date | null;
  /** Including the attempt just claimed. */
  attempts: number;
}

const LEASE_LOST = 'worker lease ran out before the outcome was recorded';

/**
 * Messages left in `sending` by a worker that died: back to pending, or
 * failed (secret wiped) when their attempts are spent; either way the lost
 * attempt is recorded. The channel may have accepted them before the worker
 * died, so delivery is at-least-once.
 */
export async function recoverStale(db: Queryable, now: Date, maxAttempts: number): Promise<number> {
  const rows = await db.query(
    `WITH stale AS (
       UPDATE notify_outbox
       SET status = CASE WHEN attempts >= $2 THEN 'failed' ELSE 'pending' END,
           secret_sealed = CASE WHEN attempts >= $2 THEN NULL ELSE secret_sealed END,
           lease_until = NULL, next_attempt_at = $1, last_error = $3, updated_at = $1
       WHERE status = 'sending' AND lease_until < $1
       RETURNING id, attempts, provider, attempt_started_at
     )
     INSERT INTO notify_attempts (message_id, attempt, provider, started_at, ended_at, outcome, error)
     SELECT id, attempts, COALESCE(provider, 'unknown'), COALESCE(attempt_started_at, $1), $1, 'lease_lost', $3 FROM stale
     ON CONFLICT (message_id, attempt) DO NOTHING
     RETURNING message_id`,
    [now, maxAttempts, LEASE_LOST],
  );
  return rows.length;
}

/** Held or pending messages past their expiry: never sent, secret wiped. */
export async function expireDue(db: Queryable, now: Date): Promise<number> {
  const rows = await db.query(
    `UPDATE notify_outbox SET status = 'expired', secret_sealed = NULL, updated_at = $1,
       last_error = COALESCE(last_error || '; ', '') || 'its lifetime ended before it could be delivered'
     WHERE ${sourcesSql('expired')} AND expires_at <= $1 RETURNING id`,
    [now],
  );
  return rows.length;
}

/**
 * Claims up to `batch` due messages for this worker. SKIP LOCKED lets
 * several workers on one PostgreSQL claim disjoint sets without waiting on
 * each other; a row another worker claimed meanwhile fails the re-checked
 * `status = 'pending'` and is left out. `providers` names the channel each
 * message will go through, recorded for the attempt.
 */
export async function claimDue(
  db: Queryable, now: Date, leaseMs: number, batch: number, providers: Record<OutboxChannel, string>,
): Promise<ClaimedMessage[]> {
  // The due rows are picked once, in a MATERIALIZED CTE: as `id IN (SELECT …
  // LIMIT n FOR UPDATE SKIP LOCKED)` the planner may run the subquery more
  // than once and claim more than `batch` rows.
  return db.query<ClaimedMessage>(
    `WITH due AS MATERIALIZED (
       SELECT id FROM notify_outbox
       WHERE status = 'pending' AND next_attempt_at <= $1 AND (expires_at IS NULL OR expires_at > $1)
       ORDER BY next_attempt_at, created_at, id
       LIMIT $3
       FOR UPDATE SKIP LOCKED
     )
     UPDATE notify_outbox o
     SET status = 'sending', attempts = o.attempts + 1, lease_until = $2, updated_at = $1, attempt_started_at = $1,
         provider = CASE o.channel WHEN 'sms' THEN $4 ELSE $5 END
     FROM due
     WHERE o.id = due.id AND o.status = 'pending'
     RETURNING o.id, o.channel, o.recipient, o.subject, o.body, o.language, o.secret_sealed, o.expires_at, o.attempts`,
    [now, new Date(now.getTime() + leaseMs), batch, providers.sms, providers.email],
  );
}

export interface AttemptRecord {
  messageId: string;
  attempt: number;
  provider: string;
  startedAt: Date;
  endedAt: Date;
  outcome: AttemptOutcome;
  providerId?: string | null;
  error?: string | null;
}

async function insertAttempt(tx: Queryable, a: AttemptRecord): Promise<void> {
  await tx.query(
    `INSERT INTO notify_attempts (message_id, attempt, provider, started_at, ended_at, outcome, provider_id, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (message_id, attempt) DO NOTHING`,
    [a.messageId, a.attempt, a.provider, a.startedAt, a.endedAt, a.outcome, a.providerId ?? null, a.error ?? null],
  );
}

/**
 * The provider took the message: `sent` when a receipt is due, else
 * `delivered`; the secret is wiped either way (we never send it again).
 * A receipt that overtook this record settles it at once. Returns the
 * status reached, or null when the lease had been lost meanwhile
 * (another worker owns the message now).
 */
export async function recordAccepted(
  db: Db,
  attempt: Omit<AttemptRecord, 'outcome'>,
  result: DeliveryResult,
): Promise<'sent' | 'delivered' | 'failed' | null> {
  const status = result.awaitingReceipt ? 'sent' : 'delivered';
  return db.transaction(async (tx) => {
    const rows = await tx.query(
      `UPDATE notify_outbox
       SET status = $3, secret_sealed = NULL, sent_at = $2, delivered_at = CASE WHEN $3 = 'delivered' THEN $2::timestamptz END,
           provider_id = $4, lease_until = NULL, last_error = NULL, updated_at = $2
       WHERE id = $1 AND status = 'sending' RETURNING id`,
      [attempt.messageId, attempt.endedAt, status, result.providerId.slice(0, 200)],
    );
    await insertAttempt(tx, { ...attempt, outcome: 'accepted', providerId: result.providerId.slice(0, 200) });
    if (rows.length === 0) return null;
    if (status === 'sent') {
      const refs = result.providerRefs && result.providerRefs.length > 0 ? result.providerRefs : [result.providerId];
      for (const ref of new Set(refs)) {
        await tx.query(
          'INSERT INTO notify_provider_refs (provider, ref, message_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [attempt.provider, ref.slice(0, 200), attempt.messageId],
        );
      }
      // A receipt may have overtaken this record.
      const settled = await settleFromReceipts(tx, attempt.messageId, attempt.endedAt);
      if (settled) return settled.status;
    }
    return status;
  });
}

/** A failed attempt: retried at `retryAt`, or failed for good (secret wiped) when it is null. */
export async function recordFailed(
  db: Db,
  attempt: AttemptRecord,
  retryAt: Date | null,
  reason: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    if (retryAt === null) {
      await tx.query(
        `UPDATE notify_outbox SET status = 'failed', secret_sealed = NULL, lease_until = NULL, last_error = $3, updated_at = $2
         WHERE id = $1 AND status = 'sending'`,
        [attempt.messageId, attempt.endedAt, reason],
      );
    } else {
      await tx.query(
        `UPDATE notify_outbox SET status = 'pending', lease_until = NULL, last_error = $3, next_attempt_at = $4, updated_at = $2
         WHERE id = $1 AND status = 'sending'`,
        [attempt.messageId, attempt.endedAt, reason, retryAt],
      );
    }
    await insertAttempt(tx, attempt);
  });
}

/**
 * The channel's circuit was open: nothing reached the provider, so the
 * attempt is given back and the message waits for the circuit to close.
 */
export async function recordHeldBack(db: Queryable, messageId: string, now: Date, retryAt: Date): Promise<void> {
  await db.query(
    `UPDATE notify_outbox SET status = 'pending', attempts = attempts - 1, lease_until = NULL, next_attempt_at = $3, updated_at = $2
     WHERE id = $1 AND status = 'sending'`,
    [messageId, now, retryAt],
  );
}

/**
 * Stores a receipt and settles its message when it is `sent` and the
 * receipts decide it. Returns the message id and status reached, or null
 * when the receipt matched no message yet (kept for when the acceptance is
 * recorded) or changed nothing. A second receipt for the same ref is ignored.
 */
export async function recordReceipt(
  db: Db,
  receipt: DeliveryReceipt,
): Promise<{ messageId: string; channel: OutboxChannel; status: 'delivered' | 'failed' } | null> {
  return db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO notify_receipts (provider, ref, status, detail, received_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (provider, ref) DO NOTHING`,
      [receipt.provider, receipt.providerRef.slice(0, 200), receipt.status, receipt.detail.slice(0, 200), receipt.at],
    );
    const owner = await tx.query<{ message_id: string }>(
      'SELECT message_id FROM notify_provider_refs WHERE provider = $1 AND ref = $2',
      [receipt.provider, receipt.providerRef.slice(0, 200)],
    );
    const messageId = owner[0]?.message_id;
    if (!messageId) return null;
    const settled = await settleFromReceipts(tx, messageId, receipt.at);
    return settled ? { messageId, ...settled } : null;
  });
}

/**
 * A `sent` message is failed as soon as one of its parts failed, delivered
 * once every part is. Returns the status reached, or null when it is not
 * decided yet.
 */
async function settleFromReceipts(
  tx: Queryable, messageId: string, at: Date,
): Promise<{ status: 'delivered' | 'failed'; channel: OutboxChannel } | null> {
  const rows = await tx.query<{ status: 'delivered' | 'failed'; channel: OutboxChannel }>(
    `WITH parts AS (
       SELECT count(*)::int AS refs, count(r.status)::int AS receipts,
              count(*) FILTER (WHERE r.status = 'failed')::int AS failed,
              string_agg(DISTINCT r.detail, '; ') AS detail
       FROM notify_provider_refs p
       LEFT JOIN notify_receipts r ON r.provider = p.provider AND r.ref = p.ref
       WHERE p.message_id = $1
     )
     UPDATE notify_outbox o
     SET status = CASE WHEN parts.failed > 0 THEN 'failed' ELSE 'delivered' END,
         delivered_at = CASE WHEN parts.failed > 0 THEN NULL ELSE $2::timestamptz END,
         last_error = CASE WHEN parts.failed > 0 THEN 'receipt: ' || parts.detail ELSE o.last_error END,
         receipt_detail = parts.detail, updated_at = $2
     FROM parts
     WHERE o.id = $1 AND o.status = 'sent' AND (parts.failed > 0 OR (parts.refs > 0 AND parts.receipts = parts.refs))
     RETURNING o.status, o.channel`,
    [messageId, at],
  );
  return rows[0] ?? null;
}
