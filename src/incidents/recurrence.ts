import type { Recurrence } from './types.ts';

const DAY_MS = 86_400_000;

/** A window's schedule: the first occurrence and how it repeats. */
export interface Schedule {
  startsAt: number;
  endsAt: number;
  recurrence: Recurrence | null;
}

/**
 * The first occurrence start at or after `t`, or null when there is none.
 * Computed in UTC: a daily window at 01:00 UTC is at 02:00 in Madrid in
 * winter and 03:00 in summer. Occurrences repeat the first one's time of day
 * on every day (daily) or on each of `byWeekday` (weekly, 0 = Sunday, UTC
 * weekdays; absent: the first one's weekday), and none starts after `until`.
 *
 * @example
 *   nextStart({ startsAt: Date.parse('2026-03-02T01:00Z'), endsAt: Date.parse('2026-03-02T03:00Z'), recurrence: { freq: 'weekly', byWeekday: [1, 4] } }, Date.parse('2026-03-03T00:00Z'));
 *   // Date.parse('2026-03-05T01:00Z') (the Thursday)
 */
export function nextStart(schedule: Schedule, t: number): number | null {
  const { startsAt, recurrence } = schedule;
  if (t <= startsAt) return startsAt;
  if (!recurrence) return null;
  const until = recurrence.until ? recurrence.until.getTime() : Infinity;
  let k = Math.ceil((t - startsAt) / DAY_MS);
  const days = recurrence.freq === 'weekly' ? new Set(recurrence.byWeekday ?? [new Date(startsAt).getUTCDay()]) : null;
  // Whole UTC days after the first start: at most 7 steps find the next weekday in the set.
  for (let step = 0; step < 8; step++, k++) {
    const candidate = startsAt + k * DAY_MS;
    if (candidate > until) return null;
    if (!days || days.has(new Date(candidate).getUTCDay())) return candidate;
  }
  return null;
}

/** The occurrence starting after `start` (exclusive), or null. */
export function startAfter(schedule: Schedule, start: number): number | null {
  return nextStart(schedule, start + 1);
}

/** Every occurrence start in [from, to), in order: for listings and tests. */
export function startsBetween(schedule: Schedule, from: number, to: number): number[] {
  const out: number[] = [];
  for (let s = nextStart(schedule, from); s !== null && s < to; s = startAfter(schedule, s)) out.push(s);
  return out;
}

/** How long each occurrence lasts: the first one's length. */
export function durationOf(schedule: Schedule): number {
  return schedule.endsAt - schedule.startsAt;
}
