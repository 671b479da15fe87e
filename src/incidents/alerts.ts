import { ClaveError } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';
import type { Alert, AuditEntry } from './types.ts';
import type { Work } from './unit-of-work.ts';

interface AlertRow {
  id: string;
  kind: Alert['kind'];
  message: string;
  draft_incident_id: string | null;
  maintenance_id: string | null;
  created_at: Date;
  acknowledged_at: Date | null;
}

function toAlert(r: AlertRow): Alert {
  return {
    id: r.id,
    kind: r.kind,
    message: r.message,
    draftIncidentId: r.draft_incident_id,
    maintenanceId: r.maintenance_id,
    createdAt: r.created_at,
    acknowledgedAt: r.acknowledged_at,
  };
}

/** Alerts, newest first. */
export async function listAlerts(q: Queryable, limit = 200): Promise<Alert[]> {
  const rows = await q.query<AlertRow>(
    `SELECT id, kind, message, draft_incident_id, maintenance_id, created_at, acknowledged_at FROM incidents_alert ORDER BY created_at DESC, id LIMIT $1`,
    [limit],
  );
  return rows.map(toAlert);
}

/** Marks an alert seen; acknowledging it again changes nothing (the first acknowledgement stays on record). */
export async function acknowledgeAlert(w: Work, id: string, author: string): Promise<Alert> {
  const [row] = await w.tx.query<AlertRow>(
    `UPDATE incidents_alert SET acknowledged_at = coalesce(acknowledged_at, $2), acknowledged_by = coalesce(acknowledged_by, $3) WHERE id = $1
     RETURNING id, kind, message, draft_incident_id, maintenance_id, created_at, acknowledged_at`,
    [id, w.now, author],
  );
  if (!row) throw new ClaveError('ALERT_NOT_FOUND', `no alert ${id}`, { id });
  if (row.acknowledged_at?.getTime() === w.now.getTime()) await w.audit(author, 'alert.acknowledge', id, {});
  return toAlert(row);
}

/** The audit trail, newest first. */
export async function listAudit(q: Queryable, limit = 100): Promise<AuditEntry[]> {
  return q.query<AuditEntry>(
    'SELECT at, author, action, subject, detail FROM incidents_audit ORDER BY at DESC, seq DESC LIMIT $1',
    [Math.max(1, Math.min(1000, Math.trunc(limit)))],
  );
}
