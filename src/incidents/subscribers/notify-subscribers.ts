import type { Outbox } from '../../notify/index.ts';
import type { Db } from '../../store/index.ts';
import type { IncidentEvent, StatusConfig } from '../types.ts';
import type { SubscriptionChannel } from './address.ts';
import { eventKey, eventScope } from './event-key.ts';
import { buildNotice, isNotified } from './notice.ts';

export interface NotifyContext {
  db: Db;
  outbox: Outbox;
  config: StatusConfig;
  publicUrl: string;
  timeZone: string;
  unsubscribeUrl(subscriptionId: string): string;
}

/** Subscribers per transaction: big enough to be quick, small enough to keep locks short. */
const CHUNK = 200;
/** A notice delivered a day late tells of a world that has moved on. */
const NOTICE_LIFETIME_MS = 24 * 3_600_000;

/**
 * Writes one outbox message per confirmed subscriber whose filters match the
 * event, in chunks ordered by id. Each chunk claims its (event, subscriber)
 * rows with INSERT … ON CONFLICT DO NOTHING and enqueues messages for the
 * rows it claimed only, in the same transaction: a second run, here or in
 * another process, finds them claimed and writes nothing (on PostgreSQL it
 * waits for the first to commit, then skips). Returns the messages written.
 *
 * @example await notifySubscribers(ctx, { type: 'incident.published', incident, at }) // 42
 */
export async function notifySubscribers(ctx: NotifyContext, event: IncidentEvent): Promise<number> {
  const scope = eventScope(event);
  if (!isNotified(event) || scope === null) return 0;
  const key = eventKey(event);
  const expiresAt = new Date(event.at.getTime() + NOTICE_LIFETIME_MS);
  let cursor = '';
  let written = 0;
  for (;;) {
    const chunk = await ctx.db.transaction(async (tx) => {
      // FOR KEY SHARE: an unsubscribe (a delete) waits for this chunk, so its notices never point at a gone row.
      const subs = await tx.query<{ id: string; channel: SubscriptionChannel; address: string; language: string }>(
        `SELECT id, channel, address, language FROM incidents_subscriptions
         WHERE status = 'confirmed' AND id > $1 AND confirmed_at <= $4
           AND (jsonb_array_length(components) = 0 OR components ?| $2::text[])
           AND (cardinality($3::text[]) = 0 OR jsonb_array_length(markets) = 0 OR markets ?| $3::text[])
         ORDER BY id LIMIT ${CHUNK} FOR KEY SHARE`,
        [cursor, scope.components, scope.markets, event.at],
      );
      if (subs.length === 0) return { last: null, written: 0 };
      const claimed = await tx.query<{ subscription_id: string }>(
        `INSERT INTO incidents_subscription_notices (event_key, subscription_id, created_at)
         SELECT $1, id, $3 FROM unnest($2::text[]) AS id
         ON CONFLICT (event_key, subscription_id) DO NOTHING RETURNING subscription_id`,
        [key, subs.map((s) => s.id), event.at],
      );
      const mine = new Set(claimed.map((c) => c.subscription_id));
      const todo = subs.filter((s) => mine.has(s.id));
      const ids = await ctx.outbox.enqueue(tx, todo.map((s) => ({
        ...buildNotice(event, { ...s, unsubscribeUrl: ctx.unsubscribeUrl(s.id) }, ctx),
        ...(s.channel === 'email' ? { unsubscribeUrl: ctx.unsubscribeUrl(s.id) } : {}),
        expiresAt,
        correlationId: `status-event:${key}`.slice(0, 200),
      })));
      if (ids.length > 0) {
        await tx.query(
          `UPDATE incidents_subscription_notices n SET outbox_id = v.outbox_id
           FROM unnest($2::text[], $3::text[]) AS v(subscription_id, outbox_id)
           WHERE n.event_key = $1 AND n.subscription_id = v.subscription_id`,
          [key, todo.map((s) => s.id), ids],
        );
      }
      return { last: subs.length < CHUNK ? null : (subs.at(-1)?.id ?? null), written: ids.length };
    });
    written += chunk.written;
    if (chunk.last === null) return written;
    cursor = chunk.last;
  }
}
