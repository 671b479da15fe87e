import { ClaveError } from '../shared/index.ts';
import { newId } from './ids.ts';
import { appendUpdate, loadIncidents, toIncident, writeComponents, type StoredIncident } from './incident-rows.ts';
import { checkPublishable, parseCreateIncident, parseUpdateIncident } from './input-schema.ts';
import { transitionStatus, transitionVisibility } from './lifecycle.ts';
import type { AffectedComponent, Incident, IncidentCause, IncidentStatus, Texts, Visibility } from './types.ts';
import type { Work } from './unit-of-work.ts';

/** Everything a new incident row holds; operators' incidents come from `createIncident`, overrun drafts from overrun.ts. */
export interface NewIncident {
  visibility: Visibility;
  status: Exclude<IncidentStatus, 'resolved'>;
  cause: IncidentCause;
  components: AffectedComponent[];
  markets: string[];
  text: Texts;
  nextUpdateAt: Date | null;
  source: Incident['source'];
  maintenanceId: string | null;
  overrunOf: Date | null;
}

export async function insertIncident(w: Work, n: NewIncident, author: string): Promise<string> {
  const id = newId('inc');
  await w.tx.query(
    `INSERT INTO incidents_incident (id, visibility, status, cause, markets, text, next_update_at, source, maintenance_id, overrun_of, created_at, published_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9, $10, $11, $12)`,
    [id, n.visibility, n.status, n.cause, JSON.stringify(n.markets), JSON.stringify(n.text), n.nextUpdateAt, n.source, n.maintenanceId, n.overrunOf, w.now, n.visibility === 'published' ? w.now : null],
  );
  await writeComponents(w.tx, id, n.components);
  await appendUpdate(w.tx, { id: newId('upd'), incidentId: id, status: n.status, text: n.text, author, at: w.now });
  return id;
}

export async function loadOne(w: Work, id: string): Promise<StoredIncident> {
  const [incident] = await loadIncidents(w.tx, w.config.languages, 'i.id = $1', [id]);
  if (!incident) throw new ClaveError('INCIDENT_NOT_FOUND', `no incident ${id}`, { id });
  return incident;
}

export function checkPromise(at: Date | null | undefined, now: Date): Date | null {
  if (!at) return null;
  if (at.getTime() <= now.getTime()) throw new ClaveError('INVALID_ARGUMENT', 'nextUpdateAt: must be in the future', { field: 'nextUpdateAt' });
  return at;
}

/** An operator's new incident: public at once (`publish`) or a draft. */
export async function createIncident(w: Work, raw: unknown, author: string): Promise<StoredIncident> {
  const input = parseCreateIncident(w.config, raw);
  const visibility: Visibility = input.publish ? 'published' : 'draft';
  const id = await insertIncident(
    w,
    {
      visibility,
      status: input.status,
      cause: input.cause,
      components: input.components,
      markets: input.markets ?? [],
      text: input.text,
      nextUpdateAt: checkPromise(input.nextUpdateAt, w.now),
      source: 'operator',
      maintenanceId: null,
      overrunOf: null,
    },
    author,
  );
  await w.audit(author, 'incident.create', id, input);
  const incident = await loadOne(w, id);
  if (visibility === 'published') w.events.push({ type: 'incident.published', incident: toIncident(incident) });
  return incident;
}

interface LockedIncident {
  status: IncidentStatus;
  visibility: Visibility;
  text: Texts;
  maintenance_id: string | null;
  overrun_of: Date | null;
  next_update_at: Date | null;
}

async function lock(w: Work, id: string): Promise<LockedIncident> {
  const [row] = await w.tx.query<LockedIncident>(
    'SELECT status, visibility, text, maintenance_id, overrun_of, next_update_at FROM incidents_incident WHERE id = $1 FOR UPDATE',
    [id],
  );
  if (!row) throw new ClaveError('INCIDENT_NOT_FOUND', `no incident ${id}`, { id });
  return row;
}

/**
 * A new timeline entry. Its text replaces the current one; `nextUpdateAt`
 * is a new promise (absent: this update kept the last one, none is pending);
 * `resolved` ends the incident and, for an overrun's incident, the overrun.
 */
export async function updateIncident(w: Work, id: string, raw: unknown, author: string): Promise<StoredIncident> {
  const row = await lock(w, id);
  const input = parseUpdateIncident(w.config, raw, row.visibility === 'published');
  const status = transitionStatus(id, row.status, input.status);
  const resolved = status === 'resolved';
  const nextUpdateAt = resolved ? null : checkPromise(input.nextUpdateAt, w.now);
  await w.tx.query(
    `UPDATE incidents_incident SET status = $2, text = coalesce($3::jsonb, text), next_update_at = $4, resolved_at = $5, version = version + 1 WHERE id = $1`,
    [id, status, input.text ? JSON.stringify(input.text) : null, nextUpdateAt, resolved ? w.now : null],
  );
  if (input.components) await writeComponents(w.tx, id, input.components);
  await appendUpdate(w.tx, { id: newId('upd'), incidentId: id, status, text: input.text ?? null, author, at: w.now });
  if (resolved && row.maintenance_id !== null && row.overrun_of !== null) {
    // The overrun's incident is over, so is the overrun: the page stops showing the window.
    await w.tx.query(
      `UPDATE incidents_occurrence SET ended_at = $3 WHERE maintenance_id = $1 AND starts_at = $2 AND state = 'overrun' AND ended_at IS NULL`,
      [row.maintenance_id, row.overrun_of, w.now],
    );
  }
  await w.audit(author, resolved ? 'incident.resolve' : 'incident.update', id, input);
  const incident = await loadOne(w, id);
  if (row.visibility === 'published') w.events.push({ type: resolved ? 'incident.resolved' : 'incident.updated', incident: toIncident(incident) });
  return incident;
}

/** A draft goes public; its public timeline starts with this entry. */
export async function publishIncident(w: Work, id: string, author: string): Promise<StoredIncident> {
  const row = await lock(w, id);
  transitionVisibility(id, row.visibility, row.status);
  checkPublishable(w.config, row.text);
  // A promise made while drafting that is already past would be a broken one.
  const keepPromise = row.next_update_at !== null && row.next_update_at.getTime() > w.now.getTime();
  await w.tx.query(
    `UPDATE incidents_incident SET visibility = 'published', published_at = $2, next_update_at = $3, version = version + 1 WHERE id = $1`,
    [id, w.now, keepPromise ? row.next_update_at : null],
  );
  await appendUpdate(w.tx, { id: newId('upd'), incidentId: id, status: row.status, text: row.text, author, at: w.now });
  await w.audit(author, 'incident.publish', id, {});
  const incident = await loadOne(w, id);
  w.events.push({ type: 'incident.published', incident: toIncident(incident) });
  return incident;
}
