/** The security modes of the line (issue 6): what self-service may still do. */
export const SECURITY_MODES = ['normal', 'heightened', 'lockdown'] as const;
export type SecurityMode = (typeof SECURITY_MODES)[number];

/** The mode in force, as every process of the line sees it. */
export interface SecurityModeState {
  mode: SecurityMode;
  /** Why (the proposer's words); for an expiry, what expired. Null before the first change. */
  reason: string | null;
  /** When this mode began; null before the first change. */
  since: Date | null;
  /** When it goes back to normal by itself; null: until changed. */
  expiresAt: Date | null;
  /** [proposer, approver] of the change that set it; null before the first change and after an expiry. */
  changedBy: [string, string] | null;
  /** The approved change that set it, if any. */
  changeId: string | null;
  /** Bumped by every change (also an expiry); processes notice changes by it. */
  version: number;
}

export type SecurityChangeStatus = 'pending' | 'applied' | 'rejected' | 'expired' | 'superseded';

/** A proposed mode change and what became of it. */
export interface SecurityChange {
  id: string;
  mode: SecurityMode;
  reason: string;
  expiresAt: Date | null;
  proposedBy: string;
  proposedAt: Date;
  /** Not approved by then: expired. */
  pendingUntil: Date;
  status: SecurityChangeStatus;
  /** Who approved or rejected it. */
  settledBy: string | null;
  settledAt: Date | null;
}

export interface ProposeInput {
  mode: SecurityMode;
  reason: string;
  /** The mode goes back to normal by itself at this time (not for normal). */
  expiresAt?: Date;
}

export type AuditAction =
  | 'operator_added'
  | 'operator_removed'
  | 'mode_proposed'
  | 'mode_approved'
  | 'mode_approval_refused'
  | 'mode_rejected'
  | 'mode_expired';

/** One line of the audit trail. `subject` is an operator name or a change id. */
export interface AuditEntry {
  at: Date;
  actor: string;
  action: AuditAction;
  subject: string;
  detail: Record<string, unknown>;
}
