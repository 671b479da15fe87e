import type { Queryable } from '../store/index.ts';
import type { SecurityChange, SecurityChangeStatus, SecurityMode, SecurityModeState } from './types.ts';

export interface ModeRow {
  mode: SecurityMode;
  reason: string | null;
  since: Date | null;
  expires_at: Date | null;
  change_id: string | null;
  proposed_by: string | null;
  approved_by: string | null;
  version: number;
}

export interface ChangeRow {
  id: string;
  mode: SecurityMode;
  reason: string;
  expires_at: Date | null;
  proposed_by: string;
  proposed_at: Date;
  pending_until: Date;
  base_version: number;
  status: SecurityChangeStatus;
  settled_by: string | null;
  settled_at: Date | null;
}

export const CHANGE_COLUMNS =
  'id, mode, reason, expires_at, proposed_by, proposed_at, pending_until, base_version, status, settled_by, settled_at';

/** The mode row; `lock` takes it FOR UPDATE (inside a transaction). */
export async function readModeRow(q: Queryable, lock = false): Promise<ModeRow> {
  const [row] = await q.query<ModeRow>(
    `SELECT mode, reason, since, expires_at, change_id, proposed_by, approved_by, version
       FROM operators_security_mode WHERE id = 1${lock ? ' FOR UPDATE' : ''}`,
  );
  // Migration 0009 inserts the row; without it the schema is not ours.
  if (!row) throw new Error('operators_security_mode has no row: run the migrations');
  return row;
}

export function toState(row: ModeRow): SecurityModeState {
  return {
    mode: row.mode,
    reason: row.reason,
    since: row.since,
    expiresAt: row.expires_at,
    changedBy: row.proposed_by !== null && row.approved_by !== null ? [row.proposed_by, row.approved_by] : null,
    changeId: row.change_id,
    version: row.version,
  };
}

/**
 * What a mode looks like once its expiry has passed: normal since the
 * expiry, set by no one. Both the read path and the store's expiry use it,
 * so every process tells the same story.
 */
export function expiredView(state: SecurityModeState): SecurityModeState {
  return {
    mode: 'normal',
    reason: `${state.mode} expired${state.reason ? `: ${state.reason}` : ''}`,
    since: state.expiresAt,
    expiresAt: null,
    changedBy: null,
    changeId: null,
    version: state.version + 1,
  };
}

/** A change as callers see it: a pending change past its deadline reads as expired before any process marks it. */
export function toChange(row: ChangeRow, now: number): SecurityChange {
  const lapsed = row.status === 'pending' && row.pending_until.getTime() <= now;
  return {
    id: row.id,
    mode: row.mode,
    reason: row.reason,
    expiresAt: row.expires_at,
    proposedBy: row.proposed_by,
    proposedAt: row.proposed_at,
    pendingUntil: row.pending_until,
    status: lapsed ? 'expired' : row.status,
    settledBy: row.settled_by,
    settledAt: lapsed ? row.pending_until : row.settled_at,
  };
}
