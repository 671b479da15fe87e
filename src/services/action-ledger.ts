import { randomUUID } from 'node:crypto';
import { open, seal } from '../crypto/index.ts';
import type { Outbox, OutboxMessageInput } from '../notify/index.ts';
import type { Clock, Sensitive } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import type { ActionKind } from './types.ts';

/** What a service asks the bank to do, and the messages that announce it. */
export interface ActionPlan {
  kind: ActionKind;
  customerId: string;
  callId: string;
  reference: string | null;
  secret: Sensitive<string> | null;
  secretExpiresAt: Date | null;
  messages: OutboxMessageInput[];
}

/** An action as the bank call needs it; its id is the idempotency key. */
export interface StartedAction {
  id: string;
  kind: ActionKind;
  customerId: string;
  reference: string | null;
  secret: Sensitive<string> | null;
  secretExpiresAt: Date | null;
  createdAt: Date;
}

interface ActionRow {
  id: string;
  kind: ActionKind;
  customer_id: string;
  reference: string | null;
  secret_sealed: string | null;
  secret_expires_at: Date | null;
  created_at: Date;
}

/** The outbox, and its wake-up when it has one (notify's NotifyOutbox). */
export type ServicesOutbox = Outbox & { wake?(): void };

type Settled = 'done' | 'failed' | 'cancelled';

/**
 * The services_actions table: an action is started together with its held
 * messages, and settled together with their release or cancellation, each
 * in one transaction. Settling is conditional on the action still being
 * 'started', so of two processes settling one action (a slow call and
 * reconcile) only the first acts: messages are released at most once.
 *
 * The secret given to the bank is kept in the row, sealed with the data key
 * (row id as associated data), so that a retry repeats the very same request
 * (the bank checks that a repeated idempotency key carries the same request).
 * This is simpler and sturdier than reading it back from the outbox: the
 * outbox owns its rows and may wipe the secret on expiry. Settling wipes it.
 */
export class ActionLedger {
  readonly #db: Db;
  readonly #outbox: ServicesOutbox;
  readonly #dataKey: Buffer;
  readonly #clock: Clock;
  readonly #leaseMs: number;

  constructor(deps: { db: Db; outbox: ServicesOutbox; dataKey: Buffer; clock: Clock; leaseMs: number }) {
    this.#db = deps.db;
    this.#outbox = deps.outbox;
    this.#dataKey = deps.dataKey;
    this.#clock = deps.clock;
    this.#leaseMs = deps.leaseMs;
  }

  /** Step 1: the action row and its held messages, in one transaction. */
  async start(plan: ActionPlan): Promise<StartedAction> {
    const id = randomUUID();
    const now = this.#now();
    const sealed = plan.secret === null ? null : seal(plan.secret, this.#dataKey, id);
    await this.#db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO services_actions (id, kind, customer_id, call_id, reference, status, message_ids, secret_sealed,
           secret_expires_at, lease_until, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'started', '[]'::jsonb, $6, $7, $8, $9, $9)`,
        [id, plan.kind, plan.customerId, plan.callId, plan.reference, sealed, plan.secretExpiresAt,
          new Date(now.getTime() + this.#leaseMs), now],
      );
      const held = plan.messages.map((m) => ({ ...m, hold: true, correlationId: plan.callId, customerId: plan.customerId }));
      const messageIds = await this.#outbox.enqueue(tx, held);
      await tx.query('UPDATE services_actions SET message_ids = $2::jsonb WHERE id = $1', [id, JSON.stringify(messageIds)]);
    });
    return {
      id,
      kind: plan.kind,
      customerId: plan.customerId,
      reference: plan.reference,
      secret: plan.secret,
      secretExpiresAt: plan.secretExpiresAt,
      createdAt: now,
    };
  }

  /** Step 3, the bank confirmed: done, and the messages may go. False when already settled. */
  async complete(id: string): Promise<boolean> {
    const settled = await this.#settle(id, 'done', null, (tx, ids) => this.#outbox.release(tx, ids));
    if (settled) this.#outbox.wake?.();
    return settled;
  }

  /** Step 3, the bank refused: failed, and the messages are cancelled. */
  fail(id: string, errorCode: string): Promise<boolean> {
    return this.#settle(id, 'failed', errorCode, (tx, ids) => this.#outbox.cancel(tx, ids, `bank refused: ${errorCode}`));
  }

  /** Given up unconfirmed: cancelled, and so are the messages. */
  abandon(id: string, reason: string): Promise<boolean> {
    return this.#settle(id, 'cancelled', null, (tx, ids) => this.#outbox.cancel(tx, ids, reason));
  }

  /** The bank could not be reached: the action stays started; reconcile() may take it from now on. */
  async unconfirmed(id: string, errorCode: string, opts: { freeNow: boolean }): Promise<void> {
    const now = this.#now();
    await this.#db.query(
      `UPDATE services_actions SET last_error = $2, updated_at = $3, lease_until = CASE WHEN $4::boolean THEN $3 ELSE lease_until END
       WHERE id = $1 AND status = 'started'`,
      [id, errorCode, now, opts.freeNow],
    );
  }

  /** Started actions no process holds, oldest first. */
  async claimable(limit: number): Promise<string[]> {
    const rows = await this.#db.query<{ id: string }>(
      `SELECT id FROM services_actions WHERE status = 'started' AND lease_until <= $1 ORDER BY created_at, id LIMIT $2`,
      [this.#now(), limit],
    );
    return rows.map((r) => r.id);
  }

  /** Takes a started action for this process (a new lease), or null when another process has it. */
  async claim(id: string): Promise<StartedAction | null> {
    const now = this.#now();
    const rows = await this.#db.query<ActionRow>(
      `UPDATE services_actions SET lease_until = $3, attempts = attempts + 1, updated_at = $2
       WHERE id = $1 AND status = 'started' AND lease_until <= $2
       RETURNING id, kind, customer_id, reference, secret_sealed, secret_expires_at, created_at`,
      [id, now, new Date(now.getTime() + this.#leaseMs)],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      kind: row.kind,
      customerId: row.customer_id,
      reference: row.reference,
      secret: row.secret_sealed === null ? null : open(row.secret_sealed, this.#dataKey, row.id),
      secretExpiresAt: row.secret_expires_at,
      createdAt: row.created_at,
    };
  }

  async #settle(
    id: string,
    status: Settled,
    errorCode: string | null,
    onMessages: (tx: Queryable, ids: string[]) => Promise<void>,
  ): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      const now = this.#now();
      const rows = await tx.query<{ message_ids: string[] }>(
        `UPDATE services_actions SET status = $2, secret_sealed = NULL, last_error = COALESCE($3, last_error),
           settled_at = $4, updated_at = $4
         WHERE id = $1 AND status = 'started' RETURNING message_ids`,
        [id, status, errorCode, now],
      );
      const row = rows[0];
      if (!row) return false;
      await onMessages(tx, row.message_ids);
      return true;
    });
  }

  #now(): Date {
    return new Date(this.#clock.now());
  }
}
