import { createHash } from 'node:crypto';
import type { Incident, IncidentEvent, Maintenance } from '../types.ts';
import { eventKey } from '../subscribers/index.ts';

/**
 * The JSON a webhook carries: `{id, type, at, incident | maintenance}` with
 * the public fields only. Left out: who wrote each update (operators' names),
 * where an incident came from (the outage detector), the draft flag and the
 * announcement lead time. `id` is the same for every endpoint and every
 * process that sees the event.
 *
 * @example
 *   webhookBody({ type: 'incident.resolved', incident, at })
 *   // '{"id":"evt_3f…","type":"incident.resolved","at":"2026-01-01T12:00:00.000Z","incident":{…}}'
 */
export function webhookBody(event: IncidentEvent): string {
  return JSON.stringify({
    id: webhookEventId(event),
    type: event.type,
    at: event.at.toISOString(),
    ...(event.incident ? { incident: publicIncident(event.incident) } : {}),
    ...(event.maintenance ? { maintenance: publicMaintenance(event.maintenance) } : {}),
    ...(event.alert
      ? { alert: { id: event.alert.id, kind: event.alert.kind, message: event.alert.message, draftIncidentId: event.alert.draftIncidentId, createdAt: event.alert.createdAt.toISOString() } }
      : {}),
  });
}

export function webhookEventId(event: IncidentEvent): string {
  return `evt_${createHash('sha256').update(eventKey(event)).digest('hex').slice(0, 32)}`;
}

/** Whether an event may leave the line at all: a draft incident is not public. */
export function isPublicEvent(event: IncidentEvent): boolean {
  // An alert's drafted incident is not public; the alert itself goes to the endpoints that ask for it (see wants()).
  if (event.type === 'alert.raised') return true;
  return event.incident === undefined || event.incident.visibility === 'published';
}

function publicIncident(i: Incident) {
  return {
    id: i.id,
    status: i.status,
    cause: i.cause,
    components: i.components.map((c) => ({ component: c.component, impact: c.impact })),
    markets: i.markets,
    text: i.text,
    updates: i.updates.map((u) => ({ id: u.id, status: u.status, ...(u.text ? { text: u.text } : {}), at: u.at.toISOString() })),
    nextUpdateAt: i.nextUpdateAt?.toISOString() ?? null,
    maintenanceId: i.maintenanceId,
    publishedAt: i.publishedAt?.toISOString() ?? null,
    resolvedAt: i.resolvedAt?.toISOString() ?? null,
  };
}

function publicMaintenance(m: Maintenance) {
  return {
    id: m.id,
    components: m.components.map((c) => ({ component: c.component, impact: c.impact })),
    markets: m.markets,
    text: m.text,
    startsAt: m.startsAt.toISOString(),
    endsAt: m.endsAt.toISOString(),
    recurrence: m.recurrence ? { ...m.recurrence, until: m.recurrence.until?.toISOString() } : null,
    current: m.current ? { startsAt: m.current.startsAt.toISOString(), endsAt: m.current.endsAt.toISOString(), state: m.current.state } : null,
    previous: m.previous
      ? { startsAt: m.previous.startsAt.toISOString(), endsAt: m.previous.endsAt.toISOString(), state: m.previous.state, endedAt: m.previous.endedAt?.toISOString() ?? null }
      : null,
    cancelledAt: m.cancelledAt?.toISOString() ?? null,
  };
}
