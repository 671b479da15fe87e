import type { Queryable } from '../store/index.ts';

/** A message the bank asks to send; structurally a subset of notify's OutboxMessageInput. */
export interface BankMessage {
  channel: 'sms' | 'email';
  /** E.164 phone for SMS, address for e-mail. */
  to: string;
  language: string;
  /** Template id, e.g. "password_changed". */
  template: string;
  params: Record<string, string>;
  customerId?: string;
}

/**
 * Where the bank writes the messages a state change promises, inside the
 * same transaction as the change. The composition root passes Clave's outbox.
 */
export interface BankNotifier {
  enqueue(tx: Queryable, messages: BankMessage[]): Promise<unknown>;
}
