import type { Queryable } from '../store/index.ts';

/** Outcomes of a caller who gave up, and of one who could not prove who they are. */
const ABANDONED = ['caller_hung_up', 'no_input'];
const FAILED = ['verification_failed', 'verification_locked'];

/**
 * The line's own traffic for one minute, from the call records, as the
 * outage detector reads it (callers' calls only, not the line's call-backs): `calls:<dialed>` (calls started),
 * `abandoned:<dialed>` and `failed:<dialed>` (calls that ended so).
 *
 * @example
 *   await callTraffic(db).countsForMinute(new Date('2026-03-02T10:00:00Z'));
 *   // { 'calls:950183313': 4, 'abandoned:950183313': 1 }
 */
export function callTraffic(db: Queryable): { countsForMinute(minuteStart: Date): Promise<Record<string, number>> } {
  return {
    async countsForMinute(minuteStart) {
      const to = new Date(minuteStart.getTime() + 60_000);
      const rows = await db.query<{ key: string; n: number }>(
        `SELECT 'calls:' || dialed AS key, count(*)::int AS n FROM calls WHERE started_at >= $1 AND started_at < $2 AND direction = 'inbound' GROUP BY dialed
         UNION ALL
         SELECT 'calls:' || dialed AS key, sum(n)::int AS n FROM call_refusals WHERE minute >= $1 AND minute < $2 GROUP BY dialed
         UNION ALL
         SELECT CASE WHEN outcome = ANY($3::text[]) THEN 'abandoned:' ELSE 'failed:' END || dialed AS key, count(*)::int AS n
         FROM calls WHERE ended_at >= $1 AND ended_at < $2 AND direction = 'inbound' AND (outcome = ANY($3::text[]) OR outcome = ANY($4::text[]))
         GROUP BY 1`,
        [minuteStart, to, ABANDONED, FAILED],
      );
      const counts: Record<string, number> = {};
      for (const r of rows) counts[r.key] = (counts[r.key] ?? 0) + r.n;
      return counts;
    },
  };
}
