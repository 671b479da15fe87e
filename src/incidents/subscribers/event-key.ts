import type { IncidentEvent } from '../types.ts';

/**
 * A stable name for one event, the same in every process that sees it: the
 * key subscribers' notices and webhook deliveries are unique on. An incident
 * event names the update it reports (two updates in one millisecond are
 * still two events); a maintenance event names the occurrence.
 *
 * @example
 *   eventKey({ type: 'incident.published', incident, at })
 *   // 'incident.published/incident:inc-1/upd-1/2026-01-01T09:00:00.000Z'
 */
export function eventKey(event: IncidentEvent): string {
  const at = event.at.toISOString();
  if (event.incident) {
    const update = event.incident.updates.at(-1)?.id ?? '-';
    return `${event.type}/incident:${event.incident.id}/${update}/${at}`;
  }
  if (event.maintenance) {
    const m = event.maintenance;
    const occurrence = (m.current ?? m.previous ?? m).startsAt.toISOString();
    return `${event.type}/maintenance:${event.maintenance.id}/${occurrence}/${at}`;
  }
  if (event.alert) return `${event.type}/alert:${event.alert.id}/-/${at}`;
  return `${event.type}/-/-/${at}`;
}

/** The components and markets an event concerns (markets empty: every market). */
export function eventScope(event: IncidentEvent): { components: string[]; markets: string[] } | null {
  const subject = event.incident ?? event.maintenance;
  if (!subject) return null;
  return { components: [...new Set(subject.components.map((c) => c.component))], markets: [...new Set(subject.markets)] };
}
