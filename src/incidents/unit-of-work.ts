import type { Db, Queryable } from '../store/index.ts';
import type { IncidentEvent, StatusConfig } from './types.ts';

/** What one change sees: its transaction, one instant, and the events to emit once it commits. */
export interface Work {
  tx: Queryable;
  now: Date;
  config: StatusConfig;
  events: Omit<IncidentEvent, 'at'>[];
  audit(author: string, action: string, subject: string, detail: unknown): Promise<void>;
}

/**
 * Runs `fn` in one transaction and hands back its result with the events it
 * queued; the caller emits them only after the commit, so a listener never
 * hears of a change that was rolled back.
 *
 * @example
 *   const { result, events } = await inTransaction(db, config, now, async (w) => { …; return incident; });
 */
export async function inTransaction<T>(db: Db, config: StatusConfig, now: Date, fn: (w: Work) => Promise<T>): Promise<{ result: T; events: IncidentEvent[] }> {
  const events: Omit<IncidentEvent, 'at'>[] = [];
  const result = await db.transaction(async (tx) => {
    events.length = 0; // a retried body must not queue twice
    const work: Work = {
      tx,
      now,
      config,
      events,
      async audit(author, action, subject, detail) {
        await tx.query('INSERT INTO incidents_audit (at, author, action, subject, detail) VALUES ($1, $2, $3, $4, $5::jsonb)', [
          now,
          author,
          action,
          subject,
          JSON.stringify(detail ?? null),
        ]);
      },
    };
    return fn(work);
  });
  return { result, events: events.map((e) => ({ ...e, at: now })) };
}
