import type { Queryable } from '../store/index.ts';
import type { Sensitive } from '../shared/index.ts';
import type { OutboxStatus } from './status.ts';

export type OutboxChannel = 'sms' | 'email';

/**
 * A message to a customer. The text comes from a per-language template; a
 * secret (temporary password, access code, unlock code) travels apart from
 * the text, encrypted at rest, and is wiped once delivered or expired.
 */
export interface OutboxMessageInput {
  channel: OutboxChannel;
  /** E.164 phone for SMS, address for e-mail. */
  to: string;
  language: string;
  /** Template id, e.g. "ebanking_username" (see notify/templates). */
  template: string;
  /** Non-secret values filled into the template. */
  params: Record<string, string>;
  secret?: Sensitive<string>;
  /** The message is useless after this (the secret's lifetime): never delivered later. */
  expiresAt?: Date;
  customerId?: string;
  /** Call or action that caused it, for tracing. */
  correlationId?: string;
  /**
   * 'held' messages wait for release() (the bank confirmed the change they
   * announce); 'pending' ones are deliverable at once.
   */
  hold?: boolean;
}

export interface Outbox {
  /** Writes messages inside the caller's transaction; returns their ids. */
  enqueue(tx: Queryable, messages: OutboxMessageInput[]): Promise<string[]>;
  /** Makes held messages deliverable, inside the caller's transaction. */
  release(tx: Queryable, ids: string[]): Promise<void>;
  /** Cancels held messages and wipes their secrets, inside the caller's transaction. */
  cancel(tx: Queryable, ids: string[], reason: string): Promise<void>;
}

/** What a delivery channel receives: `text` carries the secret in clear and lives in memory only. */
export interface DeliveryMessage {
  /** The outbox message id (providers may use it as an idempotency key). */
  id: string;
  channel: OutboxChannel;
  to: string;
  /** E-mail only. */
  subject: string | null;
  text: string;
  language: string;
}

/**
 * An SMS gateway or mail server. Resolves once the provider accepted the
 * message; throws (ideally a ClaveError) when it did not. Errors must not
 * echo the text: the worker masks the secret it knows of, but cannot guess
 * other encodings of it.
 */
export interface DeliveryChannel {
  deliver(msg: DeliveryMessage): Promise<{ providerId: string }>;
}

/** One outbox message as the console and tests see it: the secret masked, never in clear. */
export interface OutboxRecord {
  id: string;
  channel: OutboxChannel;
  to: string;
  subject: string | null;
  status: OutboxStatus;
  /** The rendered text with the secret masked (`********`). */
  body: string;
  template: string;
  /** The language used; `requestedLanguage` differs when English stood in. */
  language: string;
  requestedLanguage: string;
  /** Whether a sealed secret is still stored (only until a final status). */
  secretStored: boolean;
  attempts: number;
  lastError: string | null;
  cancelReason: string | null;
  providerId: string | null;
  createdAt: Date;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  expiresAt: Date | null;
  customerId: string | null;
  correlationId: string | null;
}

export interface OutboxListQuery {
  /** Default 50, at most 500. */
  limit?: number;
  status?: OutboxStatus;
  channel?: OutboxChannel;
  correlationId?: string;
  customerId?: string;
}
