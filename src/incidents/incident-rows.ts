import type { Queryable } from '../store/index.ts';
import { orderTexts } from './texts.ts';
import type { AffectedComponent, Impact, Incident, IncidentCause, IncidentStatus, IncidentUpdate, Texts, Visibility } from './types.ts';

/** An incident as stored: the public model plus what only this context needs. */
export interface StoredIncident extends Incident {
  /** Bumped by every change, so a caller who heard version n hears the full announcement at n+1. */
  version: number;
}

interface IncidentRow {
  id: string;
  visibility: Visibility;
  status: IncidentStatus;
  cause: IncidentCause;
  markets: string[];
  text: Texts;
  next_update_at: Date | null;
  source: Incident['source'];
  maintenance_id: string | null;
  version: number;
  created_at: Date;
  published_at: Date | null;
  resolved_at: Date | null;
}

interface UpdateRow {
  id: string;
  incident_id: string;
  status: IncidentStatus;
  text: Texts | null;
  author: string;
  at: Date;
}

/**
 * Loads incidents chosen by `where` (a condition on `i`, the incident table),
 * with their components and timelines: three queries whatever the count.
 * Texts come back in the configured languages' order (jsonb keeps its own).
 */
export async function loadIncidents(q: Queryable, languages: readonly string[], where: string, params: unknown[], limit = 500): Promise<StoredIncident[]> {
  const chosen = `SELECT i.id FROM incidents_incident i WHERE ${where} ORDER BY i.created_at DESC, i.id LIMIT ${Math.trunc(limit)}`;
  const rows = await q.query<IncidentRow>(`SELECT i.* FROM incidents_incident i WHERE i.id IN (${chosen}) ORDER BY i.created_at DESC, i.id`, params);
  if (rows.length === 0) return [];
  const components = await q.query<{ incident_id: string; component: string; impact: Impact }>(
    `SELECT incident_id, component, impact FROM incidents_incident_component WHERE incident_id IN (${chosen}) ORDER BY incident_id, position`,
    params,
  );
  const updates = await q.query<UpdateRow>(
    `SELECT id, incident_id, status, text, author, at FROM incidents_update WHERE incident_id IN (${chosen}) ORDER BY incident_id, seq`,
    params,
  );
  const byIncident = <T extends { incident_id: string }>(list: T[]) => {
    const map = new Map<string, T[]>();
    for (const item of list) map.set(item.incident_id, [...(map.get(item.incident_id) ?? []), item]);
    return map;
  };
  const comps = byIncident(components);
  const ups = byIncident(updates);
  return rows.map((r) => ({
    id: r.id,
    visibility: r.visibility,
    status: r.status,
    cause: r.cause,
    components: (comps.get(r.id) ?? []).map((c): AffectedComponent => ({ component: c.component, impact: c.impact })),
    markets: r.markets,
    text: orderTexts(r.text, languages),
    updates: (ups.get(r.id) ?? []).map((u): IncidentUpdate => ({ id: u.id, status: u.status, ...(u.text ? { text: orderTexts(u.text, languages) } : {}), author: u.author, at: u.at })),
    nextUpdateAt: r.next_update_at,
    source: r.source,
    maintenanceId: r.maintenance_id,
    createdAt: r.created_at,
    publishedAt: r.published_at,
    resolvedAt: r.resolved_at,
    version: r.version,
  }));
}

/** The public model without the stored extras (what the service returns). */
export function toIncident(s: StoredIncident): Incident {
  const { version: _version, ...incident } = s;
  return incident;
}

/** Replaces an incident's affected components. */
export async function writeComponents(tx: Queryable, incidentId: string, components: AffectedComponent[]): Promise<void> {
  await tx.query('DELETE FROM incidents_incident_component WHERE incident_id = $1', [incidentId]);
  for (const [i, c] of components.entries()) {
    await tx.query('INSERT INTO incidents_incident_component (incident_id, component, impact, position) VALUES ($1, $2, $3, $4)', [incidentId, c.component, c.impact, i]);
  }
}

/** Appends one entry to an incident's timeline. */
export async function appendUpdate(tx: Queryable, u: { id: string; incidentId: string; status: IncidentStatus; text: Texts | null; author: string; at: Date }): Promise<void> {
  await tx.query(
    `INSERT INTO incidents_update (id, incident_id, seq, status, text, author, at)
     VALUES ($1, $2, (SELECT coalesce(max(seq), 0) + 1 FROM incidents_update WHERE incident_id = $2), $3, $4::jsonb, $5, $6)`,
    [u.id, u.incidentId, u.status, u.text === null ? null : JSON.stringify(u.text), u.author, u.at],
  );
}
