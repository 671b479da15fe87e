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
  unsubscribe_url: string | null;
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
     RETURNING o.id, o.channel, o.recipient, o.subject, o.body, o.language, o.secret_sealed, o.expires_at, o.unsubscribe_url, o.attempts`,
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

/** Attempt rows in one statement (rows travel as one JSON parameter, the same on both drivers). */
async function insertAttempts(tx: Queryable, attempts: AttemptRecord[]): Promise<void> {
  if (attempts.length === 0) return;
  await tx.query(
    `INSERT INTO notify_attempts (message_id, attempt, provider, started_at, ended_at, outcome, provider_id, error)
     SELECT a.message_id, a.attempt, a.provider, a.started_at, a.ended_at, a.outcome, a.provider_id, a.error
     FROM jsonb_to_recordset($1::jsonb) AS a(message_id text, attempt int, provider text, started_at timestamptz,
       ended_at timestamptz, outcome text, provider_id text, error text)
     ON CONFLICT (message_id, attempt) DO NOTHING`,
    [JSON.stringify(attempts.map((a) => ({
      message_id: a.messageId, attempt: a.attempt, provider: a.provider, started_at: a.startedAt.toISOString(),
      ended_at: a.endedAt.toISOString(), outcome: a.outcome, provider_id: a.providerId ?? null, error: a.error ?? null,
    })))],
  );
}

export interface Accepted {
  attempt: Omit<AttemptRecord, 'outcome'>;
  result: DeliveryResult;
}

export interface Failed {
  attempt: AttemptRecord;
  /** Null: failed for good (secret wiped). */
  retryAt: Date | null;
  reason: string;
}

/**
 * Records a round's outcomes in one transaction, a few statements whatever
 * the number of messages. An accepted message is `sent` when a receipt is
 * due, else `delivered`; its secret is wiped either way (we never send it
 * again), and a receipt that overtook this record settles it at once. A
 * failed one is retried at `retryAt`, or failed for good. Returns the status
 * each message reached; a message missing from the map had lost its lease
 * meanwhile (another worker owns it now).
 */
export async function recordRound(db: Db, accepted: Accepted[], failed: Failed[]): Promise<Map<string, OutboxStatusReached>> {
  const reached = new Map<string, OutboxStatusReached>();
  if (accepted.length === 0 && failed.length === 0) return reached;
  await db.transaction(async (tx) => {
    if (accepted.length > 0) {
      const rows = await tx.query<{ id: string; status: 'sent' | 'delivered' }>(
        `UPDATE notify_outbox o
         SET status = v.status, secret_sealed = NULL, sent_at = v.at,
             delivered_at = CASE WHEN v.status = 'delivered' THEN v.at END,
             provider_id = v.provider_id, lease_until = NULL, last_error = NULL, updated_at = v.at
         FROM jsonb_to_recordset($1::jsonb) AS v(id text, status text, at timestamptz, provider_id text)
         WHERE o.id = v.id AND o.status = 'sending'
         RETURNING o.id, o.status`,
        [JSON.stringify(accepted.map(({ attempt, result }) => ({
          id: attempt.messageId, status: result.awaitingReceipt ? 'sent' : 'delivered',
          at: attempt.endedAt.toISOString(), provider_id: result.providerId.slice(0, 200),
        })))],
      );
      for (const r of rows) reached.set(r.id, r.status);
      const refs = accepted.flatMap(({ attempt, result }) => {
        if (!result.awaitingReceipt || !reached.has(attempt.messageId)) return [];
        const all = result.providerRefs && result.providerRefs.length > 0 ? result.providerRefs : [result.providerId];
        return [...new Set(all)].map((ref) => ({ provider: attempt.provider, ref: ref.slice(0, 200), message_id: attempt.messageId }));
      });
      if (refs.length > 0) {
        await tx.query(
          `INSERT INTO notify_provider_refs (provider, ref, message_id)
           SELECT provider, ref, message_id FROM jsonb_to_recordset($1::jsonb) AS r(provider text, ref text, message_id text)
           ON CONFLICT DO NOTHING`,
          [JSON.stringify(refs)],
        );
        // Receipts may have overtaken these records.
        const sentIds = [...new Set(refs.map((r) => r.message_id))];
        for (const s of await settleFromReceipts(tx, sentIds, accepted[0]!.attempt.endedAt)) reached.set(s.id, s.status);
      }
    }
    for (const f of failed) {
      const rows = f.retryAt === null
        ? await tx.query(
          `UPDATE notify_outbox SET status = 'failed', secret_sealed = NULL, lease_until = NULL, last_error = $3, updated_at = $2
           WHERE id = $1 AND status = 'sending' RETURNING id`,
          [f.attempt.messageId, f.attempt.endedAt, f.reason],
        )
        : await tx.query(
          `UPDATE notify_outbox SET status = 'pending', lease_until = NULL, last_error = $3, next_attempt_at = $4, updated_at = $2
           WHERE id = $1 AND status = 'sending' RETURNING id`,
          [f.attempt.messageId, f.attempt.endedAt, f.reason, f.retryAt],
        );
      if (rows.length > 0) reached.set(f.attempt.messageId, f.retryAt === null ? 'failed' : 'pending');
    }
    await insertAttempts(tx, [
      ...accepted.map(({ attempt, result }) => ({ ...attempt, outcome: 'accepted' as const, providerId: result.providerId.slice(0, 200) })),
      ...failed.map((f) => f.attempt),
    ]);
  });
  return reached;
}

export type OutboxStatusReached = 'sent' | 'delivered' | 'failed' | 'pending';

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
    const [settled] = await settleFromReceipts(tx, [messageId], receipt.at);
    return settled ? { messageId, status: settled.status, channel: settled.channel } : null;
  });
}

/**
 * A `sent` message is failed as soon as one of its parts failed, delivered
 * once every part is. Returns the messages settled now, with their status.
 */
async function settleFromReceipts(
  tx: Queryable, messageIds: string[], at: Date,
): Promise<{ id: string; status: 'delivered' | 'failed'; channel: OutboxChannel }[]> {
  return tx.query<{ id: string; status: 'delivered' | 'failed'; channel: OutboxChannel }>(
    `WITH parts AS (
       SELECT p.message_id, count(*)::int AS refs, count(r.status)::int AS receipts,
              count(*) FILTER (WHERE r.status = 'failed')::int AS failed,
              string_agg(DISTINCT r.detail, '; ') AS detail
       FROM notify_provider_refs p
       LEFT JOIN notify_receipts r ON r.provider = p.provider AND r.ref = p.ref
       WHERE p.message_id IN (SELECT jsonb_array_elements_text($1::jsonb))
       GROUP BY p.message_id
     )
     UPDATE notify_outbox o
     SET status = CASE WHEN parts.failed > 0 THEN 'failed' ELSE 'delivered' END,
         delivered_at = CASE WHEN parts.failed > 0 THEN NULL ELSE $2::timestamptz END,
         last_error = CASE WHEN parts.failed > 0 THEN 'receipt: ' || parts.detail ELSE o.last_error END,
         receipt_detail = parts.detail, updated_at = $2
     FROM parts
     WHERE o.id = parts.message_id AND o.status = 'sent' AND (parts.failed > 0 OR (parts.refs > 0 AND parts.receipts = parts.refs))
     RETURNING o.id, o.status, o.channel`,
    [JSON.stringify(messageIds), at],
  );
}
