import { ClaveError } from '../shared/index.ts';
import { newId } from './ids.ts';
import { insertIncident } from './incident-commands.ts';
import { parseCreateIncident } from './input-schema.ts';
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

/**
 * An alert raised by the outage detector, with its drafted incident (a draft:
 * nothing is published without a person). Returns the alert.
 */
export async function raiseOutageAlert(w: Work, input: { message: string; draft: unknown }, author: string): Promise<Alert> {
  const draft = parseCreateIncident(w.config, { ...(input.draft as object), publish: false });
  const draftId = await insertIncident(
    w,
    {
      visibility: 'draft', status: draft.status, cause: draft.cause, components: draft.components, markets: draft.markets ?? [],
      text: draft.text, nextUpdateAt: null, source: 'detector', maintenanceId: null, overrunOf: null,
    },
    author,
  );
  const id = newId('alr');
  const [row] = await w.tx.query<AlertRow>(
    `INSERT INTO incidents_alert (id, kind, message, draft_incident_id, created_at) VALUES ($1, 'outage_suspected', $2, $3, $4)
     RETURNING id, kind, message, draft_incident_id, maintenance_id, created_at, acknowledged_at`,
    [id, input.message.slice(0, 2000), draftId, w.now],
  );
  await w.audit(author, 'alert.raise', id, { kind: 'outage_suspected', draftIncidentId: draftId });
  return toAlert(row!);
}
