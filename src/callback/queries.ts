import type { Queryable } from '../store/index.ts';
import type { CallbackStatus } from './types.ts';

/**
 * The queue's statements on callback_requests (migration 0012). They follow
 * the outbox worker's discipline (src/notify/worker-queries.ts): rows are
 * claimed with a lease in one statement (MATERIALIZED CTE + FOR UPDATE SKIP
 * LOCKED), and every later change is guarded by the claim, so two processes
 * on one PostgreSQL never dial one request together and a process that lost
 * its lease cannot overwrite the new owner's result.
 */

export interface CallbackRow {
  id: string;
  customer_id: string;
  reference: string;
  number: string;
  language: string;
  source_call_id: string;
  status: CallbackStatus;
  attempts: number;
  next_attempt_at: Date;
  lease_until: Date | null;
  leased_by: string | null;
  last_result: string | null;
  call_ids: string[];
  created_at: Date;
  expires_at: Date;
  updated_at: Date;
}

/** A request this process claimed: what the dialer needs, and the claim that guards its result. */
export interface ClaimedRow {
  id: string;
  customer_id: string;
  reference: string;
  number: string;
  language: string;
  /** Including the attempt just claimed: with leased_by it names the claim. */
  attempts: number;
  expires_at: Date;
}

/** A row a housekeeping statement moved (expired, or recovered from a dead process). */
export interface MovedRow {
  id: string;
  number: string;
  attempts: number;
  status: CallbackStatus;
  dead_node: string | null;
}

export interface NewRequest {
  id: string;
  customerId: string;
  reference: string;
  number: string;
  language: string;
  sourceCallId: string;
  now: Date;
  /** When it is first dialled (the customer is still on the call that asked for it until then). */
  firstAttemptAt: Date;
  expiresAt: Date;
}

/** Inserts a request unless one is open for (customer, reference); null when one is. */
export async function insertRequest(db: Queryable, r: NewRequest): Promise<string | null> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO callback_requests
       (id, customer_id, reference, number, language, source_call_id, status, attempts, next_attempt_at, created_at, expires_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $9, $7, $8, $7)
     ON CONFLICT (customer_id, reference) WHERE status IN ('pending', 'dialing') DO NOTHING
     RETURNING id`,
    [r.id, r.customerId, r.reference, r.number, r.language, r.sourceCallId, r.now, r.expiresAt, r.firstAttemptAt],
  );
  return rows[0]?.id ?? null;
}

export async function findOpen(db: Queryable, customerId: string, reference: string): Promise<string | null> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM callback_requests WHERE customer_id = $1 AND reference = $2 AND status IN ('pending', 'dialing')`,
    [customerId, reference],
  );
  return rows[0]?.id ?? null;
}

/** Pending requests past their lifetime: never dialled after it. */
export async function expireDue(db: Queryable, now: Date): Promise<MovedRow[]> {
  return db.query<MovedRow>(
    `UPDATE callback_requests SET status = 'expired', updated_at = $1
     WHERE status = 'pending' AND expires_at <= $1
     RETURNING id, number, attempts, status, NULL::text AS dead_node`,
    [now],
  );
}

/**
 * Requests left `dialing` by a process whose lease ran out (it died, or lost
 * the database mid-call): the attempt counts (the phone may have rung), so
 * they go back to pending while attempts remain and time is left, else
 * failed or expired. `last_result` says why.
 */
export async function recoverStale(db: Queryable, now: Date, maxAttempts: number, restartedNode: string | null = null): Promise<MovedRow[]> {
  return db.query<MovedRow>(
    `WITH stale AS MATERIALIZED (
       SELECT id, leased_by FROM callback_requests
       WHERE status = 'dialing' AND (lease_until < $1 OR leased_by = $3)
       FOR UPDATE SKIP LOCKED
     )
     UPDATE callback_requests c
     SET status = CASE WHEN c.expires_at <= $1 THEN 'expired' WHEN c.attempts >= $2 THEN 'failed' ELSE 'pending' END,
         next_attempt_at = $1, lease_until = NULL, leased_by = NULL, last_result = 'lease_lost', updated_at = $1
     FROM stale
     WHERE c.id = stale.id AND c.status = 'dialing' AND (c.lease_until < $1 OR c.leased_by = $3)
     RETURNING c.id, c.number, c.attempts, c.status, stale.leased_by AS dead_node`,
    [now, maxAttempts, restartedNode],
  );
}

/**
 * Claims up to `limit` due requests for `nodeId`, counting the attempt. The
 * due rows are picked once, in a MATERIALIZED CTE: as `id IN (SELECT … LIMIT
 * n FOR UPDATE SKIP LOCKED)` the planner may run the subquery more than once
 * and claim more than `limit` rows. A row another process claimed meanwhile
 * fails the re-checked `status = 'pending'`.
 */
export async function claimDue(db: Queryable, now: Date, leaseUntil: Date, nodeId: string, limit: number): Promise<ClaimedRow[]> {
  return db.query<ClaimedRow>(
    `WITH due AS MATERIALIZED (
       SELECT id FROM callback_requests
       WHERE status = 'pending' AND next_attempt_at <= $1 AND expires_at > $1
       ORDER BY next_attempt_at, created_at, id
       LIMIT $4
       FOR UPDATE SKIP LOCKED
     )
     UPDATE callback_requests c
     SET status = 'dialing', attempts = c.attempts + 1, lease_until = $2, leased_by = $3, updated_at = $1
     FROM due
     WHERE c.id = due.id AND c.status = 'pending'
     RETURNING c.id, c.customer_id, c.reference, c.number, c.language, c.attempts, c.expires_at`,
    [now, leaseUntil, nodeId, limit],
  );
}

export interface Settlement {
  id: string;
  nodeId: string;
  /** The claim's attempt number: a later claim of the same row by the same node has another. */
  attempt: number;
  status: 'done' | 'failed' | 'pending';
  counted: boolean;
  nextAttemptAt: Date | null;
  lastResult: string;
  callId: string | null;
  now: Date;
}

/**
 * Records a delivery's end, only while this claim still holds the row
 * (`dialing`, leased by this node, same attempt). False: the lease was lost
 * and the row belongs to whoever took it over.
 */
export async function settle(db: Queryable, s: Settlement): Promise<boolean> {
  const rows = await db.query(
    `UPDATE callback_requests
     SET status = $4, attempts = attempts - $5, next_attempt_at = COALESCE($6, next_attempt_at),
         last_result = $7, call_ids = CASE WHEN $8::text IS NULL THEN call_ids ELSE call_ids || jsonb_build_array($8::text) END,
         lease_until = NULL, leased_by = NULL, updated_at = $9
     WHERE id = $1 AND status = 'dialing' AND leased_by = $2 AND attempts = $3
     RETURNING id`,
    [s.id, s.nodeId, s.attempt, s.status, s.counted ? 0 : 1, s.nextAttemptAt, s.lastResult, s.callId, s.now],
  );
  return rows.length > 0;
}

const COLUMNS = `id, customer_id, reference, number, language, source_call_id, status, attempts, next_attempt_at,
  lease_until, leased_by, last_result, call_ids, created_at, expires_at, updated_at`;

/** Newest first. */
export async function listRows(db: Queryable, limit: number, status: CallbackStatus | null): Promise<CallbackRow[]> {
  return db.query<CallbackRow>(
    `SELECT ${COLUMNS} FROM callback_requests WHERE ($2::text IS NULL OR status = $2)
     ORDER BY created_at DESC, id DESC LIMIT $1`,
    [limit, status],
  );
}

/** Requests per status (the statuses with none are absent). */
export async function countRows(db: Queryable): Promise<{ status: CallbackStatus; n: number }[]> {
  return db.query<{ status: CallbackStatus; n: number }>('SELECT status, count(*)::int AS n FROM callback_requests GROUP BY status');
}

export async function getRow(db: Queryable, id: string): Promise<CallbackRow | null> {
  const rows = await db.query<CallbackRow>(`SELECT ${COLUMNS} FROM callback_requests WHERE id = $1`, [id]);
  return rows[0] ?? null;
}
