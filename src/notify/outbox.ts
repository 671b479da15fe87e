import { randomUUID } from 'node:crypto';
import { seal } from '../crypto/index.ts';
import { ClaveError, type Clock } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';
import { RECORD_COLUMNS, listFilter, loadDelivery, toRecord, type OutboxRow } from './outbox-record.ts';
import { sourcesSql, type OutboxStatus } from './status.ts';
import { renderTemplate, type RenderedTemplate } from './templates.ts';
import type { Outbox, OutboxListQuery, OutboxMessageInput, OutboxRecord } from './types.ts';

/** The outbox plus what the console, the worker and the tests need from it. */
export interface NotifyOutbox extends Outbox {
  /** Newest first, secrets masked. */
  list(db: Queryable, query?: OutboxListQuery): Promise<OutboxRecord[]>;
  get(db: Queryable, id: string): Promise<OutboxRecord | null>;
  /** Nudges the workers listening (call it after the enqueuing transaction committed). */
  wake(): void;
  /** For workers: called on wake(); returns the unsubscribe function. */
  onWake(listener: () => void): () => void;
}

const E164 = /^\+[1-9][0-9]{6,14}$/;
// No whitespace at all: CR/LF in an address is header injection.
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * The transactional outbox: messages are written in the caller's
 * transaction, so a state change and the message promising it commit or
 * roll back together; a worker delivers them later.
 *
 * @example
 *   const outbox = createOutbox({ clock, dataKey });
 *   const [id] = await db.transaction((tx) => outbox.enqueue(tx, [{
 *     channel: 'sms', to: '+34600000001', language: 'es', template: 'ebanking_temporary_password',
 *     params: { validMinutes: '60' }, secret: new Sensitive('Xk3-pQ7r'), expiresAt, hold: true,
 *   }]));
 *   // ...the bank confirmed the reset:
 *   await db.transaction((tx) => outbox.release(tx, [id]));
 */
export function createOutbox(deps: { clock: Clock; dataKey: Buffer }): NotifyOutbox {
  const { clock, dataKey } = deps;
  const listeners = new Set<() => void>();
  const now = () => new Date(clock.now());

  return {
    async enqueue(tx, messages) {
      // Validate (and render) all before writing any.
      const prepared = messages.map((m) => ({ input: m, rendered: prepare(m) }));
      const ids: string[] = [];
      for (const { input, rendered } of prepared) {
        const id = randomUUID();
        const at = now();
        // The message id as associated data: a sealed secret cannot be moved to another row.
        const sealed = input.secret === undefined ? null : seal(input.secret, dataKey, id);
        await tx.query(
          `INSERT INTO notify_outbox (id, channel, recipient, template, requested_language, language, subject, body,
             secret_sealed, status, attempts, next_attempt_at, expires_at, customer_id, correlation_id, created_at, updated_at,
             unsubscribe_url)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $13, $14, $11, $11, $15)`,
          [
            id, input.channel, input.to, rendered.template, input.language, rendered.language, rendered.subject, rendered.body,
            sealed, input.hold ? 'held' : 'pending', at, input.expiresAt ?? null, input.customerId ?? null,
            input.correlationId ?? null, input.unsubscribeUrl ?? null,
          ],
        );
        ids.push(id);
      }
      return ids;
    },

    async release(tx, ids) {
      if (ids.length === 0) return;
      const at = now();
      await tx.query(
        `UPDATE notify_outbox SET status = 'pending', next_attempt_at = $2, updated_at = $2
         WHERE id = ANY($1::text[]) AND status = 'held'`,
        [ids, at],
      );
      // Releasing twice is harmless (a retry after a lost answer); releasing what was cancelled or expired is a bug.
      await assertReached(tx, ids, 'release', ['pending', 'sending', 'sent', 'delivered', 'failed']);
    },

    async cancel(tx, ids, reason) {
      if (ids.length === 0) return;
      const at = now();
      await tx.query(
        `UPDATE notify_outbox SET status = 'cancelled', secret_sealed = NULL, cancel_reason = $2, updated_at = $3
         WHERE id = ANY($1::text[]) AND ${sourcesSql('cancelled')}`,
        [ids, reason.slice(0, 500), at],
      );
      // Whatever never went out is fine; a message already out (or going) cannot be called back.
      await assertReached(tx, ids, 'cancel', ['cancelled', 'expired', 'failed']);
    },

    async list(db, query = {}) {
      const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 1), 500);
      const { where, params } = listFilter(query);
      const rows = await db.query<OutboxRow>(
        `SELECT ${RECORD_COLUMNS} FROM notify_outbox ${where}
         ORDER BY created_at DESC, id LIMIT $${params.length + 1}`,
        [...params, limit],
      );
      const delivery = await loadDelivery(db, rows.map((r) => r.id));
      return rows.map((r) => toRecord(r, delivery.get(r.id)));
    },

    async get(db, id) {
      const rows = await db.query<OutboxRow>(`SELECT ${RECORD_COLUMNS} FROM notify_outbox WHERE id = $1`, [id]);
      if (!rows[0]) return null;
      return toRecord(rows[0], (await loadDelivery(db, [id])).get(id));
    },

    wake() {
      for (const listener of listeners) listener();
    },

    onWake(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Checks one message and renders its template; every problem is INVALID_CONFIG, raised at enqueue time. */
function prepare(m: OutboxMessageInput): RenderedTemplate {
  const rendered = renderTemplate(m.template, m.language, m.params);
  const fail = (message: string): never => {
    throw new ClaveError('INVALID_CONFIG', `Message '${m.template}': ${message}`, { template: m.template });
  };
  if (m.channel !== rendered.channel) fail(`is sent by ${rendered.channel}, not ${m.channel}`);
  if (m.channel === 'sms' && !E164.test(m.to)) fail('the recipient is not an E.164 phone number');
  if (m.channel === 'email' && !EMAIL.test(m.to)) fail('the recipient is not an e-mail address');
  // It becomes a mail header: an absolute http(s) URL with nothing that could end the header.
  if (m.unsubscribeUrl !== undefined && !/^https?:\/\/[^\s<>"]+$/.test(m.unsubscribeUrl)) fail('the unsubscribe address is not an http(s) URL');
  if (rendered.hasSecret && (m.secret === undefined || m.secret.reveal().length === 0)) fail('needs a secret');
  if (!rendered.hasSecret && m.secret !== undefined) fail('has no place for a secret');
  // A secret must die some time even if its message is never released.
  if (m.secret !== undefined && !(m.expiresAt instanceof Date && Number.isFinite(m.expiresAt.getTime()))) {
    fail('carries a secret and needs expiresAt');
  }
  return rendered;
}

/** After a release or cancel, every id must be in one of `accepted`; anything else is a caller bug. */
async function assertReached(tx: Queryable, ids: string[], action: string, accepted: OutboxStatus[]): Promise<void> {
  const rows = await tx.query<{ id: string; status: OutboxStatus }>(
    'SELECT id, status FROM notify_outbox WHERE id = ANY($1::text[])',
    [ids],
  );
  const found = new Map(rows.map((r) => [r.id, r.status]));
  const wrong = [...new Set(ids)].filter((id) => !accepted.includes(found.get(id) ?? ('unknown' as OutboxStatus)));
  if (wrong.length > 0) {
    const states = wrong.map((id) => `${id} (${found.get(id) ?? 'unknown'})`).join(', ');
    throw new Error(`Outbox ${action}: illegal for message(s) ${states}`);
  }
}
