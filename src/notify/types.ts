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
  /** A one-click unsubscribe address (https or http), for notices to subscribers: e-mail carries it as RFC 8058 List-Unsubscribe. */
  unsubscribeUrl?: string;
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
  /** The outbox message id (providers may use it as an idempotency key; SMTP builds the Message-ID from it). */
  id: string;
  channel: OutboxChannel;
  to: string;
  /** E-mail only. */
  subject: string | null;
  text: string;
  language: string;
  /** Past this the message is useless (the secret's lifetime): SMPP's validity_period must not run beyond it. */
  expiresAt: Date | null;
  /** A one-click unsubscribe address, when the message is a notice to a subscriber (RFC 8058). */
  unsubscribeUrl?: string | null;
}

/** What a provider said when it took a message. */
export interface DeliveryResult {
  /** The provider's id for the message (SMPP message_id of the first segment, SMTP Message-ID, an HTTP provider's id). */
  providerId: string;
  /** Every id a receipt may name (one per SMS segment); default `[providerId]`. */
  providerRefs?: string[];
  /**
   * True when the provider will report the handset's receipt later (SMPP
   * registered_delivery, an HTTP provider's status callback): the message
   * stays `sent` until a receipt arrives. False or absent: acceptance is the
   * last word (an SMTP relay), and the message is `delivered` at once.
   */
  awaitingReceipt?: boolean;
}

/** A delivery receipt (SMPP deliver_sm, an HTTP provider's status callback) for one provider ref. */
export interface DeliveryReceipt {
  /** The channel's provider name, so refs of two providers never collide. */
  provider: string;
  providerRef: string;
  status: 'delivered' | 'failed';
  /** The provider's own words for the record, e.g. "stat:UNDELIV err:001"; never the message text. */
  detail: string;
  at: Date;
}

/** A channel's connection as the line's health view sees it. */
export type ChannelConnectionState = 'up' | 'connecting' | 'down';

/**
 * An SMS gateway or mail server. Resolves once the provider accepted the
 * message; throws when it did not, preferably a ClaveError:
 * - `DELIVERY_REJECTED`: the provider refused this message for good (bad number, policy); no retry.
 * - `DELIVERY_THROTTLED`: the provider asked us to slow down; retried later.
 * - `DELIVERY_UNAVAILABLE`: no connection, or the provider failed before taking it; retried.
 * - `DELIVERY_OUTCOME_UNKNOWN`: the message went out but no answer came back (a lost
 *   submit_sm_resp); retried with the very same text, so a duplicate carries identical content.
 * Anything else counts as transient. Errors must not echo the text: the
 * worker masks the secret it knows of, but cannot guess other encodings of it.
 */
export interface DeliveryChannel {
  /** Provider name recorded with each attempt and receipt: 'smtp', 'smpp', 'http-sms', 'dev-mailbox'. */
  readonly provider: string;
  deliver(msg: DeliveryMessage): Promise<DeliveryResult>;
  /** Subscribes to receipts; returns the unsubscribe function. */
  onReceipt?(listener: (receipt: DeliveryReceipt) => void): () => void;
  /** Connection state, for the channel health view; channels without a connection omit it. */
  connectionState?(): ChannelConnectionState;
  /** Closes connections (unbind, pool close); idempotent. */
  close?(): Promise<void>;
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
  /** The provider's id from the accepting attempt. */
  providerId: string | null;
  /** The provider of the latest attempt ('smtp', 'smpp', 'http-sms', 'dev-mailbox'). */
  provider: string | null;
  /** When a provider accepted it. */
  sentAt: Date | null;
  /** What the receipts said, e.g. "stat:DELIVRD err:000". */
  receiptDetail: string | null;
  /** Every attempt, oldest first. */
  deliveryAttempts: DeliveryAttemptView[];
  /** Receipts received for its parts. */
  receipts: DeliveryReceiptView[];
  createdAt: Date;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  expiresAt: Date | null;
  customerId: string | null;
  correlationId: string | null;
}

export interface DeliveryAttemptView {
  attempt: number;
  provider: string;
  startedAt: Date;
  endedAt: Date;
  /** accepted, rejected, throttled, unavailable, outcome_unknown, timeout, failed, lease_lost. */
  outcome: string;
  providerId: string | null;
  error: string | null;
}

export interface DeliveryReceiptView {
  provider: string;
  ref: string;
  status: 'delivered' | 'failed';
  detail: string;
  receivedAt: Date;
}

export interface OutboxListQuery {
  /** Default 50, at most 500. */
  limit?: number;
  status?: OutboxStatus;
  channel?: OutboxChannel;
  correlationId?: string;
  customerId?: string;
}
