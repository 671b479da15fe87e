import type { Logger } from '../../log/index.ts';
import type { Outbox } from '../../notify/index.ts';
import { ClaveError, type Clock } from '../../shared/index.ts';
import type { Db, Queryable } from '../../store/index.ts';
import type { IncidentEvent, StatusConfig } from '../types.ts';
import { normaliseAddress, type SubscriptionChannel } from './address.ts';
import { notifySubscribers } from './notify-subscribers.ts';
import {
  checkFilters, resolveLanguage, ROW_COLUMNS, sameChoice, type SubscriptionChoice, type SubscriptionRow,
} from './subscription-row.ts';
import { confirmTokenHash, newConfirmToken, newSubscriptionId, subscriptionOfUnsubscribeToken, unsubscribeToken } from './tokens.ts';

export interface SubscriptionsDeps {
  db: Db;
  /** wake(), when present, is called after a transaction that wrote messages committed. */
  outbox: Outbox & { wake?(): void };
  clock: Clock;
  config: StatusConfig;
  /** Where the public status page is served, e.g. 'https://status.bank.example' (links in messages start with it). */
  publicUrl: string;
  /** HMAC key for the links (at least 16 bytes); changing it voids every link sent. */
  secretKey: Buffer;
  logger?: Logger;
  /** IANA zone maintenance times are written in; default the configuration's (StatusConfig.timeZone), else UTC. */
  timeZone?: string;
}

export interface SubscribeInput {
  channel: SubscriptionChannel;
  address: string;
  language: string;
  components?: string[];
  markets?: string[];
}

export interface SubscribeResult {
  subscriptionId: string;
  /** False when a confirmation went out a short while ago (or too many today), or nothing changed. */
  confirmationSent: boolean;
}

export interface ConfirmResult {
  /** confirmed: a new subscription; updated: a change to a confirmed one; already_confirmed: the link was used before. */
  outcome: 'confirmed' | 'updated' | 'already_confirmed';
  language: string;
  unsubscribeUrl: string;
}

export interface UnsubscribeResult {
  outcome: 'unsubscribed' | 'already_unsubscribed';
  /** The subscriber's language, while the subscription existed. */
  language: string | null;
}

export interface Subscriptions {
  subscribe(input: SubscribeInput): Promise<SubscribeResult>;
  /** Throws INVALID_TOKEN (not ours, or replaced by a newer link) or TOKEN_EXPIRED; a used link answers already_confirmed. */
  confirm(token: string): Promise<ConfirmResult>;
  /** Idempotent; throws INVALID_TOKEN for a link that is not ours. */
  unsubscribe(token: string): Promise<UnsubscribeResult>;
  /** What an unsubscribe link would do, changing nothing (for the page behind the GET link). */
  checkUnsubscribe(token: string): Promise<{ subscribed: boolean; language: string | null }>;
  /** One outbox message per matching confirmed subscriber, once per (event, subscriber) wherever it runs. */
  notify(event: IncidentEvent): Promise<{ messages: number }>;
  /** Deletes subscriptions never confirmed in time and drops stale pending changes (data kept no longer than needed). */
  purgeUnconfirmed(): Promise<number>;
  counts(): Promise<{ pending: number; confirmed: number }>;
}

/** How long a confirmation link works. */
export const CONFIRM_TTL_MS = 24 * 3_600_000;
/** At most one confirmation per address in this time… */
export const CONFIRMATION_INTERVAL_MS = 10 * 60_000;
/** …and at most this many in a rolling day, so the form cannot be used to flood someone. */
export const MAX_CONFIRMATIONS_PER_DAY = 5;
const DAY_MS = 24 * 3_600_000;

/**
 * Status-alert subscriptions with double opt-in: `subscribe` writes a pending
 * subscription and its confirmation message in one transaction, and nothing
 * else reaches the address until the link in it is opened.
 *
 * @example
 *   const subs = createSubscriptions({ db, outbox, clock, config, publicUrl: 'https://status.bank.example', secretKey });
 *   await subs.subscribe({ channel: 'email', address: 'ana@example.com', language: 'es', components: ['ebanking'] });
 *   incidents.onEvent((event) => void subs.notify(event));
 */
export function createSubscriptions(deps: SubscriptionsDeps): Subscriptions {
  const { db, outbox, clock, config, secretKey, logger } = deps;
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  const timeZone = deps.timeZone ?? config.timeZone ?? 'UTC';
  const now = () => new Date(clock.now());
  const unsubscribeUrl = (id: string) => `${publicUrl}/status/unsubscribe/${unsubscribeToken(secretKey, id)}`;

  /** Issues a fresh confirmation (a new link, the old one void) if the rate allows; says whether it did. */
  async function sendConfirmation(tx: Queryable, row: SubscriptionRow, choice: SubscriptionChoice, at: Date): Promise<boolean> {
    const last = row.confirmation_sent_at?.getTime();
    if (last !== undefined && at.getTime() - last < CONFIRMATION_INTERVAL_MS) return false;
    const windowStart = row.confirmation_window_start;
    const newWindow = windowStart === null || at.getTime() - windowStart.getTime() >= DAY_MS;
    if (!newWindow && row.confirmations_in_window >= MAX_CONFIRMATIONS_PER_DAY) return false;
    const token = newConfirmToken();
    const expiresAt = new Date(at.getTime() + CONFIRM_TTL_MS);
    await tx.query(
      `UPDATE incidents_subscriptions SET confirm_hash = $2, confirm_expires_at = $3, confirmation_sent_at = $4,
         confirmation_window_start = $5, confirmations_in_window = $6, updated_at = $4 WHERE id = $1`,
      [row.id, confirmTokenHash(secretKey, token), expiresAt, at, newWindow ? at : windowStart, newWindow ? 1 : row.confirmations_in_window + 1],
    );
    await outbox.enqueue(tx, [{
      channel: row.channel, to: row.address, language: choice.language, template: `status_confirm_${row.channel}`,
      params: { confirmUrl: `${publicUrl}/status/confirm/${token}`, validHours: String(CONFIRM_TTL_MS / 3_600_000) },
      expiresAt, correlationId: `status-subscription:${row.id}`,
    }]);
    return true;
  }

  function verifiedId(token: string): string {
    const id = subscriptionOfUnsubscribeToken(secretKey, token);
    if (id === null) throw new ClaveError('INVALID_TOKEN', 'This unsubscribe link is not valid');
    return id;
  }

  return {
    async subscribe(input) {
      if (input.channel !== 'email' && input.channel !== 'sms') {
        throw new ClaveError('INVALID_ARGUMENT', 'channel must be email or sms', { field: 'channel' });
      }
      if (typeof input.address !== 'string') throw new ClaveError('INVALID_ARGUMENT', 'address is required', { field: 'address' });
      const address = normaliseAddress(input.channel, input.address);
      const choice: SubscriptionChoice = {
        language: resolveLanguage(input.language, config.languages),
        ...checkFilters(config, input.components, input.markets),
      };
      const at = now();
      const result = await db.transaction(async (tx) => {
        const created = await tx.query<SubscriptionRow>(
          `INSERT INTO incidents_subscriptions (id, channel, address, language, components, markets, status, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, 'pending', $7, $7)
           ON CONFLICT (channel, address) DO NOTHING RETURNING ${ROW_COLUMNS}`,
          [newSubscriptionId(), input.channel, address, choice.language, JSON.stringify(choice.components), JSON.stringify(choice.markets), at],
        );
        // The row lock serialises two requests for one address (two processes included).
        const row = created[0] ?? (await tx.query<SubscriptionRow>(
          `SELECT ${ROW_COLUMNS} FROM incidents_subscriptions WHERE channel = $1 AND address = $2 FOR UPDATE`,
          [input.channel, address],
        ))[0];
        if (!row) throw new Error('subscription row vanished inside its transaction');
        if (row.status === 'pending') {
          await tx.query(
            'UPDATE incidents_subscriptions SET language = $2, components = $3::jsonb, markets = $4::jsonb, updated_at = $5 WHERE id = $1',
            [row.id, choice.language, JSON.stringify(choice.components), JSON.stringify(choice.markets), at],
          );
        } else {
          // A confirmed subscription changes only once the change is confirmed from the address itself.
          const unchanged = sameChoice(row, choice);
          await tx.query('UPDATE incidents_subscriptions SET pending_change = $2::jsonb, updated_at = $3 WHERE id = $1', [
            row.id, unchanged ? null : JSON.stringify(choice), at,
          ]);
          if (unchanged) return { subscriptionId: row.id, confirmationSent: false };
        }
        return { subscriptionId: row.id, confirmationSent: await sendConfirmation(tx, row, choice, at) };
      });
      if (result.confirmationSent) outbox.wake?.();
      logger?.info({ subscriptionId: result.subscriptionId, channel: input.channel, confirmationSent: result.confirmationSent }, 'status subscription asked for');
      return result;
    },

    async confirm(token) {
      const hash = confirmTokenHash(secretKey, token);
      if (hash === null) throw new ClaveError('INVALID_TOKEN', 'This confirmation link is not valid');
      const at = now();
      const result = await db.transaction(async (tx) => {
        const [row] = await tx.query<SubscriptionRow>(`SELECT ${ROW_COLUMNS} FROM incidents_subscriptions WHERE confirm_hash = $1 FOR UPDATE`, [hash]);
        if (!row) throw new ClaveError('INVALID_TOKEN', 'This confirmation link is not valid');
        // A used link keeps its hash with no expiry: opening it again is answered, and applies nothing
        // (not even a change someone else asked for since).
        if (row.confirm_expires_at === null) return { outcome: 'already_confirmed' as const, id: row.id, language: row.language };
        if (row.confirm_expires_at.getTime() <= at.getTime()) throw new ClaveError('TOKEN_EXPIRED', 'This confirmation link has expired');
        const change = row.status === 'pending' ? null : row.pending_change;
        const outcome = row.status === 'pending' ? 'confirmed' as const : change ? 'updated' as const : 'already_confirmed' as const;
        const final = change ?? row;
        await tx.query(
          `UPDATE incidents_subscriptions SET status = 'confirmed', confirmed_at = COALESCE(confirmed_at, $2), language = $3,
             components = $4::jsonb, markets = $5::jsonb, pending_change = NULL, confirm_expires_at = NULL, updated_at = $2
           WHERE id = $1`,
          [row.id, at, final.language, JSON.stringify(final.components), JSON.stringify(final.markets)],
        );
        return { outcome, id: row.id, language: final.language };
      });
      logger?.info({ subscriptionId: result.id, outcome: result.outcome }, 'status subscription confirmed');
      return { outcome: result.outcome, language: result.language, unsubscribeUrl: unsubscribeUrl(result.id) };
    },

    async unsubscribe(token) {
      const id = verifiedId(token);
      const [row] = await db.query<{ language: string }>('DELETE FROM incidents_subscriptions WHERE id = $1 RETURNING language', [id]);
      logger?.info({ subscriptionId: id, removed: row !== undefined }, 'status subscription ended');
      return row ? { outcome: 'unsubscribed', language: row.language } : { outcome: 'already_unsubscribed', language: null };
    },

    async checkUnsubscribe(token) {
      const id = verifiedId(token);
      const [row] = await db.query<{ language: string }>('SELECT language FROM incidents_subscriptions WHERE id = $1', [id]);
      return { subscribed: row !== undefined, language: row?.language ?? null };
    },

    async notify(event) {
      const messages = await notifySubscribers({ db, outbox, config, publicUrl, timeZone, unsubscribeUrl }, event);
      if (messages > 0) outbox.wake?.();
      logger?.info({ event: event.type, messages }, 'status subscribers notified');
      return { messages };
    },

    async purgeUnconfirmed() {
      const at = now();
      const deleted = await db.query(
        "DELETE FROM incidents_subscriptions WHERE status = 'pending' AND (confirm_expires_at IS NULL OR confirm_expires_at <= $1) RETURNING id",
        [at],
      );
      await db.query(
        `UPDATE incidents_subscriptions SET pending_change = NULL, updated_at = $1
         WHERE status = 'confirmed' AND pending_change IS NOT NULL AND (confirm_expires_at IS NULL OR confirm_expires_at <= $1)`,
        [at],
      );
      return deleted.length;
    },

    async counts() {
      const rows = await db.query<{ status: 'pending' | 'confirmed'; n: number }>(
        'SELECT status, count(*)::int AS n FROM incidents_subscriptions GROUP BY status',
      );
      return { pending: rows.find((r) => r.status === 'pending')?.n ?? 0, confirmed: rows.find((r) => r.status === 'confirmed')?.n ?? 0 };
    },
  };
}
