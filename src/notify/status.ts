/**
 * The life of an outbox message. Every status change the outbox and its
 * worker make is listed here. Cancel and expiry take their source statuses
 * from this table (`sourcesSql`); the other statements move one named status
 * to another, each a move this table allows (status.test.ts).
 *
 *   held ──release──► pending ──claim──► sending ──accepted──────────────► delivered
 *     │                 │  ▲                │  └──accepted, receipt due──► sent ──receipt──► delivered
 *     │                 │  └──retry/lease───┤                                  └──receipt──► failed
 *     └──cancel/expiry──┴──► cancelled      └──refused/give up/too late──► failed
 *                            expired
 *
 * The secret is wiped on leaving `sending` for anything but a retry: a
 * message the provider took is never sent again by us.
 */
export type OutboxStatus = 'held' | 'pending' | 'sending' | 'sent' | 'delivered' | 'failed' | 'expired' | 'cancelled';

export const OUTBOX_STATUSES: readonly OutboxStatus[] = [
  'held', 'pending', 'sending', 'sent', 'delivered', 'failed', 'expired', 'cancelled',
];

const TRANSITIONS: Readonly<Record<OutboxStatus, readonly OutboxStatus[]>> = {
  held: ['pending', 'cancelled', 'expired'],
  pending: ['sending', 'cancelled', 'expired'],
  // Back to pending: a retry after a failed attempt, or a lease that ran out
  // (the process died mid-delivery); an expired message then expires from pending.
  sending: ['sent', 'delivered', 'pending', 'failed'],
  // A receipt from the handset, or the provider giving up on it.
  sent: ['delivered', 'failed'],
  delivered: [],
  failed: [],
  expired: [],
  cancelled: [],
};

/** Final statuses; the secret column is NULL in all of them (a CHECK constraint enforces it). */
export function isFinal(status: OutboxStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/** @example canTransition('held', 'pending') // true */
export function canTransition(from: OutboxStatus, to: OutboxStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * A SQL condition matching the statuses that may move to `to`, built from
 * constants only (never from input).
 *
 * @example sourcesSql('cancelled') // "status IN ('held', 'pending')"
 */
export function sourcesSql(to: OutboxStatus): string {
  const from = OUTBOX_STATUSES.filter((s) => canTransition(s, to));
  return `status IN (${from.map((s) => `'${s}'`).join(', ')})`;
}

export function isOutboxStatus(value: string): value is OutboxStatus {
  return (OUTBOX_STATUSES as readonly string[]).includes(value);
}
