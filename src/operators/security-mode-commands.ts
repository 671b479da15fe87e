import { randomBytes } from 'node:crypto';
import { ClaveError } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import { writeAudit } from './audit.ts';
import { CHANGE_COLUMNS, type ChangeRow, expiredView, readModeRow, toChange, toState } from './security-mode-rows.ts';
import type { ProposeInput, SecurityChange, SecurityChangeStatus, SecurityModeState } from './types.ts';

/** A refusal decided inside a transaction whose other writes (marking a change expired) must still commit. */
type NotPending = { code: 'SECURITY_CHANGE_NOT_PENDING'; status: SecurityChangeStatus; why: string };
type Refusal = NotPending | { code: 'APPROVER_IS_PROPOSER'; proposer: string };

export type ApproveAnswer = { kind: 'applied'; change: SecurityChange; state: SecurityModeState } | { kind: 'refused'; refusal: Refusal };

/** Records a proposed change, pending until `now + pendingTtlMs`. */
export async function insertChange(db: Db, input: ProposeInput, operator: string, now: number, pendingTtlMs: number): Promise<SecurityChange> {
  const id = `smc-${randomBytes(6).toString('hex')}`;
  return db.transaction(async (tx) => {
    const mode = await readModeRow(tx);
    const [row] = await tx.query<ChangeRow>(
      `INSERT INTO operators_security_change (id, mode, reason, expires_at, proposed_by, proposed_at, pending_until, base_version, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending') RETURNING ${CHANGE_COLUMNS}`,
      [id, input.mode, input.reason, input.expiresAt ?? null, operator, new Date(now), new Date(now + pendingTtlMs), mode.version],
    );
    await writeAudit(tx, {
      at: new Date(now),
      actor: operator,
      action: 'mode_proposed',
      subject: id,
      detail: { mode: input.mode, reason: input.reason, expiresAt: input.expiresAt?.toISOString() ?? null, from: mode.mode },
    });
    if (!row) throw new Error('INSERT … RETURNING gave no row');
    return toChange(row, now);
  });
}

/**
 * Applies a pending change approved by a second operator, in one
 * transaction: the mode row (locked first, as in every transaction here
 * that touches changes: one lock order, no deadlock), the change, the other
 * pending changes (superseded: they were proposed against the mode that is
 * now gone) and the audit line. Two approvals at once serialise on the mode row.
 */
export function applyChange(db: Db, id: string, operator: string, now: number): Promise<ApproveAnswer> {
  return db.transaction(async (tx): Promise<ApproveAnswer> => {
    const mode = await readModeRow(tx, true);
    const row = await lockChange(tx, id);
    const seen = toChange(row, now);
    if (seen.status !== 'pending') {
      if (row.status === 'pending') await settle(tx, id, 'expired', null, row.pending_until);
      return refused({ code: 'SECURITY_CHANGE_NOT_PENDING', status: seen.status, why: `change ${id} is ${seen.status}, not pending` });
    }
    // Four eyes: the proposer's approval would make it one person's decision.
    if (row.proposed_by === operator) return refused({ code: 'APPROVER_IS_PROPOSER', proposer: row.proposed_by });
    if (mode.version !== row.base_version) {
      await settle(tx, id, 'superseded', null, new Date(now));
      return refused({ code: 'SECURITY_CHANGE_NOT_PENDING', status: 'superseded', why: `the mode changed since change ${id} was proposed: propose it again` });
    }
    if (row.expires_at !== null && row.expires_at.getTime() <= now) {
      await settle(tx, id, 'expired', null, new Date(now));
      return refused({ code: 'SECURITY_CHANGE_NOT_PENDING', status: 'expired', why: `change ${id} would have ended at ${row.expires_at.toISOString()}, which has passed` });
    }
    await tx.query(
      `UPDATE operators_security_mode SET mode = $1, reason = $2, since = $3, expires_at = $4, change_id = $5,
              proposed_by = $6, approved_by = $7, version = version + 1 WHERE id = 1`,
      [row.mode, row.reason, new Date(now), row.expires_at, id, row.proposed_by, operator],
    );
    const applied = await settle(tx, id, 'applied', operator, new Date(now));
    const superseded = await tx.query<{ id: string }>(
      `UPDATE operators_security_change SET status = 'superseded', settled_at = $2 WHERE status = 'pending' AND id <> $1 RETURNING id`,
      [id, new Date(now)],
    );
    await writeAudit(tx, {
      at: new Date(now),
      actor: operator,
      action: 'mode_approved',
      subject: id,
      detail: { mode: row.mode, from: mode.mode, proposedBy: row.proposed_by, expiresAt: row.expires_at?.toISOString() ?? null, superseded: superseded.map((s) => s.id) },
    });
    return { kind: 'applied', change: toChange(applied, now), state: toState(await readModeRow(tx)) };
  });
}

/** Withdraws or turns down a pending change (one operator may always stop a change). */
export function rejectChange(db: Db, id: string, operator: string, now: number): Promise<SecurityChange | NotPending> {
  return db.transaction(async (tx) => {
    await readModeRow(tx, true);
    const row = await lockChange(tx, id);
    const seen = toChange(row, now);
    if (seen.status !== 'pending') return { code: 'SECURITY_CHANGE_NOT_PENDING', status: seen.status, why: `change ${id} is ${seen.status}, not pending` } as const;
    const rejected = await settle(tx, id, 'rejected', operator, new Date(now));
    await writeAudit(tx, { at: new Date(now), actor: operator, action: 'mode_rejected', subject: id, detail: { mode: row.mode, proposedBy: row.proposed_by } });
    return toChange(rejected, now);
  });
}

/**
 * Puts the mode back to normal when its expiry has passed (every process may
 * call it; the locked row makes one of them do it) and marks lapsed pending
 * changes expired. Answers the mode now in the store.
 */
export function expireDue(db: Db, now: number): Promise<SecurityModeState> {
  return db.transaction(async (tx) => {
    const row = await readModeRow(tx, true);
    await tx.query(
      `UPDATE operators_security_change SET status = 'expired', settled_at = pending_until WHERE status = 'pending' AND pending_until <= $1`,
      [new Date(now)],
    );
    const state = toState(row);
    if (state.expiresAt === null || state.expiresAt.getTime() > now) return state;
    const next = expiredView(state);
    await tx.query(
      `UPDATE operators_security_mode SET mode = 'normal', reason = $1, since = $2, expires_at = NULL, change_id = NULL,
              proposed_by = NULL, approved_by = NULL, version = $3 WHERE id = 1`,
      [next.reason, next.since, next.version],
    );
    // Proposed against the mode that just ended.
    await tx.query(`UPDATE operators_security_change SET status = 'superseded', settled_at = $1 WHERE status = 'pending'`, [new Date(now)]);
    await writeAudit(tx, {
      at: new Date(now),
      actor: 'system',
      action: 'mode_expired',
      subject: state.changeId ?? '-',
      detail: { mode: state.mode, expiresAt: state.expiresAt.toISOString(), changedBy: state.changedBy },
    });
    return next;
  });
}

/** Changes, newest first; `pending` lists only those still open to approval. */
export async function listChanges(q: Queryable, now: number, options: { pending?: boolean; limit?: number } = {}): Promise<SecurityChange[]> {
  const rows = await q.query<ChangeRow>(
    `SELECT ${CHANGE_COLUMNS} FROM operators_security_change
      WHERE NOT $1::boolean OR (status = 'pending' AND pending_until > $2)
      ORDER BY proposed_at DESC, id LIMIT $3`,
    [options.pending ?? false, new Date(now), options.limit ?? 100],
  );
  return rows.map((r) => toChange(r, now));
}

async function lockChange(tx: Queryable, id: string): Promise<ChangeRow> {
  const [row] = await tx.query<ChangeRow>(`SELECT ${CHANGE_COLUMNS} FROM operators_security_change WHERE id = $1 FOR UPDATE`, [id]);
  if (!row) throw new ClaveError('SECURITY_CHANGE_NOT_FOUND', `no security mode change ${id}`, { id });
  return row;
}

async function settle(tx: Queryable, id: string, status: SecurityChangeStatus, by: string | null, at: Date): Promise<ChangeRow> {
  const [row] = await tx.query<ChangeRow>(
    `UPDATE operators_security_change SET status = $2, settled_by = $3, settled_at = $4 WHERE id = $1 RETURNING ${CHANGE_COLUMNS}`,
    [id, status, by, at],
  );
  if (!row) throw new Error(`change ${id} vanished inside its transaction`);
  return row;
}

function refused(refusal: Refusal): ApproveAnswer {
  return { kind: 'refused', refusal };
}
