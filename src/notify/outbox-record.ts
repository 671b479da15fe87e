import type { Queryable } from '../store/index.ts';
import type { AttemptOutcome } from './attempt-outcome.ts';
import type { DeliveryAttemptView, DeliveryReceiptView, OutboxChannel, OutboxListQuery, OutboxRecord } from './types.ts';
import type { OutboxStatus } from './status.ts';
import { maskSecret } from './render.ts';

/** The notify_outbox columns as both drivers return them. */
export interface OutboxRow {
  id: string;
  channel: OutboxChannel;
  recipient: string;
  template: string;
  requested_language: string;
  language: string;
  subject: string | null;
  body: string;
  secret_stored: boolean;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  cancel_reason: string | null;
  provider_id: string | null;
  next_attempt_at: Date;
  expires_at: Date | null;
  customer_id: string | null;
  correlation_id: string | null;
  created_at: Date;
  delivered_at: Date | null;
  provider: string | null;
  sent_at: Date | null;
  receipt_detail: string | null;
}

/** Every column but the sealed secret, of which only its presence is read. */
export const RECORD_COLUMNS =
  'id, channel, recipient, template, requested_language, language, subject, body, ' +
  '(secret_sealed IS NOT NULL) AS secret_stored, status, attempts, last_error, cancel_reason, provider_id, ' +
  'next_attempt_at, expires_at, customer_id, correlation_id, created_at, delivered_at, provider, sent_at, receipt_detail';

export function toRecord(
  row: OutboxRow, delivery: { attempts: DeliveryAttemptView[]; receipts: DeliveryReceiptView[] } = { attempts: [], receipts: [] },
): OutboxRecord {
  return {
    id: row.id,
    channel: row.channel,
    to: row.recipient,
    subject: row.subject,
    status: row.status,
    body: maskSecret(row.body),
    template: row.template,
    language: row.language,
    requestedLanguage: row.requested_language,
    secretStored: row.secret_stored,
    attempts: row.attempts,
    lastError: row.last_error,
    cancelReason: row.cancel_reason,
    providerId: row.provider_id,
    provider: row.provider,
    sentAt: row.sent_at,
    receiptDetail: row.receipt_detail,
    deliveryAttempts: delivery.attempts,
    receipts: delivery.receipts,
    createdAt: row.created_at,
    nextAttemptAt: row.next_attempt_at,
    deliveredAt: row.delivered_at,
    expiresAt: row.expires_at,
    customerId: row.customer_id,
    correlationId: row.correlation_id,
  };
}

/** A WHERE clause and its parameters for list(); values always travel as parameters. */
export function listFilter(query: OutboxListQuery): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (column: string, value: unknown) => {
    params.push(value);
    conditions.push(`${column} = $${params.length}`);
  };
  if (query.status !== undefined) add('status', query.status);
  if (query.channel !== undefined) add('channel', query.channel);
  if (query.correlationId !== undefined) add('correlation_id', query.correlationId);
  if (query.customerId !== undefined) add('customer_id', query.customerId);
  return { where: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

/**
 * The attempts and receipts of the given messages, oldest first, keyed by
 * message id (two queries, whatever the number of messages).
 */
export async function loadDelivery(
  db: Queryable, ids: string[],
): Promise<Map<string, { attempts: DeliveryAttemptView[]; receipts: DeliveryReceiptView[] }>> {
  const out = new Map<string, { attempts: DeliveryAttemptView[]; receipts: DeliveryReceiptView[] }>();
  if (ids.length === 0) return out;
  for (const id of ids) out.set(id, { attempts: [], receipts: [] });
  const attempts = await db.query<{
    message_id: string; attempt: number; provider: string; started_at: Date; ended_at: Date;
    outcome: AttemptOutcome; provider_id: string | null; error: string | null;
  }>(
    `SELECT message_id, attempt, provider, started_at, ended_at, outcome, provider_id, error
     FROM notify_attempts WHERE message_id = ANY($1::text[]) ORDER BY message_id, attempt`,
    [ids],
  );
  for (const a of attempts) {
    out.get(a.message_id)?.attempts.push({
      attempt: a.attempt, provider: a.provider, startedAt: a.started_at, endedAt: a.ended_at,
      outcome: a.outcome, providerId: a.provider_id, error: a.error,
    });
  }
  const receipts = await db.query<{ message_id: string; provider: string; ref: string; status: 'delivered' | 'failed'; detail: string; received_at: Date }>(
    `SELECT p.message_id, r.provider, r.ref, r.status, r.detail, r.received_at
     FROM notify_provider_refs p JOIN notify_receipts r ON r.provider = p.provider AND r.ref = p.ref
     WHERE p.message_id = ANY($1::text[]) ORDER BY r.received_at, r.ref`,
    [ids],
  );
  for (const r of receipts) {
    out.get(r.message_id)?.receipts.push({ provider: r.provider, ref: r.ref, status: r.status, detail: r.detail, receivedAt: r.received_at });
  }
  return out;
}
