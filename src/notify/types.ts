import type { Queryable } from '../store/index.ts';
import type { Sensitive } from '../shared/index.ts';

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
