import type { OutboxChannel, OutboxListQuery, OutboxRecord } from './types.ts';
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
}

/** Every column but the sealed secret, of which only its presence is read. */
export const RECORD_COLUMNS =
  'id, channel, recipient, template, requested_language, language, subject, body, ' +
  '(secret_sealed IS NOT NULL) AS secret_stored, status, attempts, last_error, cancel_reason, provider_id, ' +
  'next_attempt_at, expires_at, customer_id, correlation_id, created_at, delivered_at';

export function toRecord(row: OutboxRow): OutboxRecord {
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
