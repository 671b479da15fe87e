import type { Logger } from '../log/index.ts';
import type { Clock } from '../shared/index.ts';
import { withDeadline } from './deadline.ts';
import type { AnnouncerPort, CallAnnouncement } from './ports.ts';

export interface LastKnownOptions {
  clock: Clock;
  /**
   * The caller's market (the incidents context's `marketOf(caller, config)?.id`):
   * announcements differ by market, so one market's is never served to another.
   */
  marketOf(caller: string): string | null;
  /** A lookup slower than this counts as failed; default 1 s (below the session's own 1.5 s bound). */
  deadlineMs?: number;
  /** Kept announcements at most (the oldest goes); default 1000. */
  maxEntries?: number;
  logger?: Logger;
}

/**
 * The announcer, with a memory: the last announcement looked up for each
 * (dialed line, caller's market, language) is kept, and served, marked
 * `stale`, when the lookup fails or is too slow (the database is down).
 * Callers then still hear what was known to be wrong, rather than nothing.
 * "Nothing to announce" is remembered too, so a line with no incident stays
 * quiet. Until a first lookup has worked there is nothing to serve, and the
 * failure goes through (the session plays no announcement).
 *
 * @example
 *   const announcer = lastKnownAnnouncer(incidents, { clock, marketOf: (c) => marketOf(c, incidents.config)?.id ?? null });
 *   await announcer.announcementFor({ dialed: '950183313', caller: '+34600111222', language: 'es' }); // { …, stale: true } with the database down
 */
export function lastKnownAnnouncer(inner: AnnouncerPort, options: LastKnownOptions): AnnouncerPort {
  const deadlineMs = options.deadlineMs ?? 1000;
  const maxEntries = options.maxEntries ?? 1000;
  const known = new Map<string, CallAnnouncement | null>();

  const remember = (key: string, found: CallAnnouncement | null) => {
    const before = known.get(key);
    // A repeat caller gets the short version; the next caller without a store should hear the full one.
    if (found?.version === 'short' && before?.version === 'full' && sameSubjects(before, found)) return;
    known.delete(key);
    known.set(key, found);
    if (known.size > maxEntries) {
      const [oldest] = known.keys();
      if (oldest !== undefined) known.delete(oldest);
    }
  };

  return {
    async announcementFor(call) {
      const key = [call.dialed.replace(/[^0-9]/g, ''), options.marketOf(call.caller) ?? '', call.language].join('|');
      try {
        const found = await withDeadline(options.clock, inner.announcementFor(call), deadlineMs, 'announcement lookup');
        remember(key, found);
        return found;
      } catch (err) {
        if (!known.has(key)) throw err;
        const last = known.get(key) ?? null;
        options.logger?.warn({ err, dialed: call.dialed, language: call.language }, 'announcement lookup failed; the last known announcement is served');
        return last === null ? null : { ...last, stale: true };
      }
    },
  };
}

function sameSubjects(a: CallAnnouncement, b: CallAnnouncement): boolean {
  const ids = (x: CallAnnouncement) => [...x.incidentIds].sort().join(',') + '|' + [...x.maintenanceIds].sort().join(',');
  return ids(a) === ids(b);
}
