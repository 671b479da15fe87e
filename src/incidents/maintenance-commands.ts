import { ClaveError } from '../shared/index.ts';
import { newId } from './ids.ts';
import { DEFAULT_ANNOUNCE_BEFORE_MS, parseScheduleMaintenance } from './input-schema.ts';
import { transitionOccurrence } from './lifecycle.ts';
import { loadMaintenance, scheduleOf, toMaintenance, type MaintenanceRow, type OccurrenceRow, type StoredMaintenance } from './maintenance-rows.ts';
import { markOverrun, SYSTEM_AUTHOR } from './overrun.ts';
import { durationOf, nextStart, startAfter } from './recurrence.ts';
import type { AffectedComponent, Impact } from './types.ts';
import type { Work } from './unit-of-work.ts';

async function loadOne(w: Work, id: string): Promise<StoredMaintenance> {
  const [m] = await loadMaintenance(w.tx, w.config.languages, 'm.id = $1', [id]);
  if (!m) throw new ClaveError('MAINTENANCE_NOT_FOUND', `no maintenance window ${id}`, { id });
  return m;
}

/**
 * A new window. Occurrences already over when it is scheduled are skipped
 * (never reported as overrun); one already running starts at once.
 */
export async function scheduleMaintenance(w: Work, raw: unknown, author: string): Promise<StoredMaintenance> {
  const input = parseScheduleMaintenance(w.config, raw);
  const schedule = { startsAt: input.startsAt.getTime(), endsAt: input.endsAt.getTime(), recurrence: input.recurrence ?? null };
  const first = nextStart(schedule, w.now.getTime() - durationOf(schedule) + 1);
  if (first === null) throw new ClaveError('INVALID_ARGUMENT', 'endsAt: the window is already over', { field: 'endsAt' });
  const id = newId('mnt');
  const recurrence = input.recurrence ? { ...input.recurrence, ...(input.recurrence.until ? { until: input.recurrence.until.toISOString() } : {}) } : null;
  await w.tx.query(
    `INSERT INTO incidents_maintenance (id, markets, text, starts_at, ends_at, recurrence, announce_before_ms, next_start, author, created_at)
     VALUES ($1, $2::jsonb, $3::jsonb, $4, $5, $6::jsonb, $7, $8, $9, $10)`,
    [id, JSON.stringify(input.markets ?? []), JSON.stringify(input.text), input.startsAt, input.endsAt, recurrence ? JSON.stringify(recurrence) : null, input.announceBeforeMs ?? DEFAULT_ANNOUNCE_BEFORE_MS, new Date(first), author, w.now],
  );
  for (const [i, c] of input.components.entries()) {
    await w.tx.query('INSERT INTO incidents_maintenance_component (maintenance_id, component, impact, position) VALUES ($1, $2, $3, $4)', [id, c.component, c.impact, i]);
  }
  await w.audit(author, 'maintenance.schedule', id, input);
  w.events.push({ type: 'maintenance.scheduled', maintenance: toMaintenance(await loadOne(w, id)) });
  await advanceMaintenance(w, id);
  return loadOne(w, id);
}

interface Locked {
  row: MaintenanceRow;
  components: AffectedComponent[];
}

async function lock(w: Work, id: string): Promise<Locked> {
  const [row] = await w.tx.query<MaintenanceRow>('SELECT * FROM incidents_maintenance WHERE id = $1 FOR UPDATE', [id]);
  if (!row) throw new ClaveError('MAINTENANCE_NOT_FOUND', `no maintenance window ${id}`, { id });
  const components = await w.tx.query<{ component: string; impact: Impact }>(
    'SELECT component, impact FROM incidents_maintenance_component WHERE maintenance_id = $1 ORDER BY position',
    [id],
  );
  return { row, components };
}

/**
 * Brings one window up to now under its row lock: starts every occurrence
 * due (scheduled → in_progress) and turns every running one past its planned
 * end into an overrun. Safe to call from any number of processes at once.
 */
export async function advanceMaintenance(w: Work, id: string): Promise<Locked> {
  const locked = await lock(w, id);
  const { row } = locked;
  if (row.cancelled_at) return locked;
  const schedule = scheduleOf(row);
  const length = durationOf(schedule);
  let next = row.next_start?.getTime() ?? null;
  const now = w.now.getTime();
  let started = false;
  // Occurrences past their planned end and not completed: overrun (before a later one starts, when catching up).
  const markDue = async () => {
    const due = await w.tx.query<OccurrenceRow>(
      `SELECT * FROM incidents_occurrence WHERE maintenance_id = $1 AND state = 'in_progress' AND ends_at <= $2 ORDER BY starts_at`,
      [id, w.now],
    );
    for (const o of due) await markOverrun(w, row, o, locked.components);
  };
  for (; next !== null && next <= now; next = startAfter(schedule, next)) {
    await markDue();
    const inserted = await w.tx.query(
      `INSERT INTO incidents_occurrence (maintenance_id, starts_at, ends_at, state, started_at) VALUES ($1, $2, $3, 'in_progress', $4)
       ON CONFLICT (maintenance_id, starts_at) DO NOTHING RETURNING starts_at`,
      [id, new Date(next), new Date(next + length), w.now],
    );
    if (inserted.length > 0) {
      started = true;
      // The window starting again means the previous occurrence's overrun work is over.
      await w.tx.query(
        `UPDATE incidents_occurrence SET ended_at = $3 WHERE maintenance_id = $1 AND starts_at < $2 AND state = 'overrun' AND ended_at IS NULL`,
        [id, new Date(next), w.now],
      );
      await w.audit(SYSTEM_AUTHOR, 'maintenance.start', id, { occurrence: new Date(next) });
    }
  }
  if ((next ?? null) !== (row.next_start?.getTime() ?? null)) {
    await w.tx.query('UPDATE incidents_maintenance SET next_start = $2 WHERE id = $1', [id, next === null ? null : new Date(next)]);
    row.next_start = next === null ? null : new Date(next);
  }
  await markDue();
  if (started) w.events.push({ type: 'maintenance.started', maintenance: toMaintenance(await loadOne(w, id)) });
  return locked;
}

async function openOccurrence(w: Work, id: string): Promise<OccurrenceRow | undefined> {
  const [open] = await w.tx.query<OccurrenceRow>(
    `SELECT * FROM incidents_occurrence WHERE maintenance_id = $1 AND (state = 'in_progress' OR (state = 'overrun' AND ended_at IS NULL)) ORDER BY starts_at DESC LIMIT 1`,
    [id],
  );
  return open;
}

/** Ends the running occurrence, or an overrun's work: completed (in_progress) or just ended (overrun stays overrun). */
async function endOpen(w: Work, id: string, open: OccurrenceRow, to: 'completed' | 'cancelled'): Promise<void> {
  const state = open.state === 'in_progress' ? transitionOccurrence(id, open.state, to) : open.state;
  await w.tx.query('UPDATE incidents_occurrence SET state = $3, ended_at = $4 WHERE maintenance_id = $1 AND starts_at = $2', [id, open.starts_at, state, w.now]);
}

/** Calls off the next occurrence before it starts (and moves the window on to the one after). */
async function skipNext(w: Work, row: MaintenanceRow): Promise<void> {
  const start = row.next_start as Date;
  transitionOccurrence(row.id, 'scheduled', 'cancelled');
  const schedule = scheduleOf(row);
  await w.tx.query(
    `INSERT INTO incidents_occurrence (maintenance_id, starts_at, ends_at, state, ended_at) VALUES ($1, $2, $3, 'cancelled', $4)`,
    [row.id, start, new Date(start.getTime() + durationOf(schedule)), w.now],
  );
  const after = startAfter(schedule, start.getTime());
  await w.tx.query('UPDATE incidents_maintenance SET next_start = $2 WHERE id = $1', [row.id, after === null ? null : new Date(after)]);
}

/** The work is done: the running (or overrun) occurrence ends now; before it started, the next occurrence is called off. */
export async function completeMaintenance(w: Work, id: string, author: string): Promise<StoredMaintenance> {
  const { row } = await advanceMaintenance(w, id);
  const open = row.cancelled_at ? undefined : await openOccurrence(w, id);
  if (open) {
    await endOpen(w, id, open, 'completed');
    await w.audit(author, 'maintenance.complete', id, { occurrence: open.starts_at, overrun: open.state === 'overrun' });
    const m = await loadOne(w, id);
    w.events.push({ type: 'maintenance.completed', maintenance: toMaintenance(m) });
    return m;
  }
  if (row.cancelled_at || !row.next_start) throw new ClaveError('MAINTENANCE_ENDED', `maintenance ${id} has no running or upcoming occurrence`, { id });
  await skipNext(w, row);
  await w.audit(author, 'maintenance.complete', id, { occurrence: row.next_start, before: 'start' });
  const m = await loadOne(w, id);
  w.events.push({ type: 'maintenance.cancelled', maintenance: toMaintenance(m) });
  return m;
}

/** The whole window is called off: the running occurrence (if any) and every future one. */
export async function cancelMaintenance(w: Work, id: string, author: string): Promise<StoredMaintenance> {
  const { row } = await advanceMaintenance(w, id);
  const open = row.cancelled_at ? undefined : await openOccurrence(w, id);
  if (row.cancelled_at || (!open && !row.next_start)) throw new ClaveError('MAINTENANCE_ENDED', `maintenance ${id} is already over or cancelled`, { id });
  if (open) await endOpen(w, id, open, 'cancelled');
  await w.tx.query('UPDATE incidents_maintenance SET cancelled_at = $2, next_start = NULL WHERE id = $1', [id, w.now]);
  await w.audit(author, 'maintenance.cancel', id, { occurrence: open?.starts_at ?? row.next_start });
  const m = await loadOne(w, id);
  w.events.push({ type: 'maintenance.cancelled', maintenance: toMaintenance(m) });
  return m;
}

export { loadOne as loadMaintenanceById };
