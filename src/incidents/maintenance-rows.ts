import type { Queryable } from '../store/index.ts';
import type { Schedule } from './recurrence.ts';
import { durationOf } from './recurrence.ts';
import { orderTexts } from './texts.ts';
import type { AffectedComponent, Impact, Maintenance, MaintenanceState, Recurrence, Texts } from './types.ts';

export interface OccurrenceRow {
  maintenance_id: string;
  starts_at: Date;
  ends_at: Date;
  state: Exclude<MaintenanceState, 'scheduled'>;
  started_at: Date | null;
  ended_at: Date | null;
}

export interface MaintenanceRow {
  id: string;
  markets: string[];
  text: Texts;
  starts_at: Date;
  ends_at: Date;
  recurrence: { freq: Recurrence['freq']; byWeekday?: number[]; until?: string } | null;
  announce_before_ms: number;
  next_start: Date | null;
  cancelled_at: Date | null;
  created_at: Date;
}

/** A window as stored: the public model plus the open occurrence and the next start. */
export interface StoredMaintenance extends Maintenance {
  nextStart: Date | null;
}

export function scheduleOf(row: MaintenanceRow): Schedule {
  return { startsAt: row.starts_at.getTime(), endsAt: row.ends_at.getTime(), recurrence: recurrenceOf(row) };
}

function recurrenceOf(row: MaintenanceRow): Recurrence | null {
  const r = row.recurrence;
  if (!r) return null;
  return { freq: r.freq, ...(r.byWeekday ? { byWeekday: r.byWeekday } : {}), ...(r.until ? { until: new Date(r.until) } : {}) };
}

/**
 * Loads windows chosen by `where` (a condition on `m`), with components, the
 * open occurrence and the latest finished one.
 */
export async function loadMaintenance(q: Queryable, languages: readonly string[], where: string, params: unknown[], limit = 500): Promise<StoredMaintenance[]> {
  const chosen = `SELECT m.id FROM incidents_maintenance m WHERE ${where} ORDER BY m.created_at DESC, m.id LIMIT ${Math.trunc(limit)}`;
  const rows = await q.query<MaintenanceRow>(`SELECT m.* FROM incidents_maintenance m WHERE m.id IN (${chosen}) ORDER BY m.created_at DESC, m.id`, params);
  if (rows.length === 0) return [];
  const components = await q.query<{ maintenance_id: string; component: string; impact: Impact }>(
    `SELECT maintenance_id, component, impact FROM incidents_maintenance_component WHERE maintenance_id IN (${chosen}) ORDER BY maintenance_id, position`,
    params,
  );
  // The open occurrence (at most one: occurrences do not overlap) and the latest finished one, per window.
  const occurrences = await q.query<OccurrenceRow & { is_open: boolean }>(
    `SELECT * FROM (
       SELECT DISTINCT ON (o.maintenance_id, is_open) o.*, (o.state = 'in_progress' OR (o.state = 'overrun' AND o.ended_at IS NULL)) AS is_open
       FROM incidents_occurrence o WHERE o.maintenance_id IN (${chosen})
       ORDER BY o.maintenance_id, is_open, o.starts_at DESC
     ) x`,
    params,
  );
  return rows.map((row) => {
    const open = occurrences.find((o) => o.maintenance_id === row.id && o.is_open);
    const done = occurrences.find((o) => o.maintenance_id === row.id && !o.is_open);
    const length = durationOf(scheduleOf(row));
    let current: Maintenance['current'] = null;
    if (open) current = { startsAt: open.starts_at, endsAt: open.ends_at, state: open.state };
    else if (row.next_start && !row.cancelled_at) current = { startsAt: row.next_start, endsAt: new Date(row.next_start.getTime() + length), state: 'scheduled' };
    const recurrence = recurrenceOf(row);
    return {
      id: row.id,
      components: components.filter((c) => c.maintenance_id === row.id).map((c): AffectedComponent => ({ component: c.component, impact: c.impact })),
      markets: row.markets,
      text: orderTexts(row.text, languages),
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      recurrence,
      announceBeforeMs: row.announce_before_ms,
      current,
      previous: done ? { startsAt: done.starts_at, endsAt: done.ends_at, state: done.state, endedAt: done.ended_at } : null,
      cancelledAt: row.cancelled_at,
      createdAt: row.created_at,
      nextStart: row.next_start,
    };
  });
}

/** The public model without the stored extras. */
export function toMaintenance(s: StoredMaintenance): Maintenance {
  const { nextStart: _nextStart, ...m } = s;
  return m;
}
