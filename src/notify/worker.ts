import { open } from '../crypto/index.ts';
import type { Logger } from '../log/index.ts';
import { ClaveError, type Clock, type TimerHandle } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { describeFailure } from './describe-failure.ts';
import type { NotifyOutbox } from './outbox.ts';
import { fillSecret, placeholdersOf, SECRET_SLOT } from './render.ts';
import { DEFAULT_RETRY, retryDelayMs, type RetryPolicy } from './retry-policy.ts';
import type { DeliveryChannel, OutboxChannel } from './types.ts';
import {
  claimDue, expireDue, markAttemptFailed, markDelivered, recoverStale, type ClaimedMessage,
} from './worker-queries.ts';

export interface OutboxWorkerOptions {
  db: Db;
  outbox: Pick<NotifyOutbox, 'onWake'>;
  clock: Clock;
  channels: Record<OutboxChannel, DeliveryChannel>;
  dataKey: Buffer;
  logger?: Logger;
  /** Idle wait between polls (default 2 s); wake() cuts it short. */
  pollMs?: number;
  /** Messages claimed per round (default 10). */
  batch?: number;
  retry?: Partial<RetryPolicy>;
  /** How long a claim is held before another worker may take the message over (default 5 min). */
  leaseMs?: number;
  /** A channel that has not answered by then counts as failed (default 60 s; keep it under leaseMs). */
  deliverTimeoutMs?: number;
}

export interface OutboxWorker {
  start(): void;
  /** Idempotent; resolves once the batch in flight is done. A stopped worker cannot start again. */
  stop(): Promise<void>;
  /** One round: recover stale claims, expire, claim and deliver. Resolves with the number of messages attempted. */
  runOnce(): Promise<number>;
  wake(): void;
}

/**
 * Delivers what the outbox holds. Safe to run in several processes on one
 * PostgreSQL: each round claims its own messages (see worker-queries.ts).
 *
 * @example
 *   const worker = createOutboxWorker({ db, outbox, clock, dataKey, channels: { sms: mailbox, email: mailbox } });
 *   worker.start();
 *   // ...
 *   await worker.stop();
 */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { db, clock, channels, dataKey, logger } = options;
  const pollMs = options.pollMs ?? 2_000;
  const batch = options.batch ?? 10;
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const deliverTimeoutMs = options.deliverTimeoutMs ?? 60_000;
  const now = () => new Date(clock.now());

  let state: 'idle' | 'running' | 'stopped' = 'idle';
  let loop: Promise<void> | null = null;
  let unsubscribe: (() => void) | null = null;
  const inFlight = new Set<Promise<number>>();
  let woken = false;
  let endWait: (() => void) | null = null;

  function wake(): void {
    woken = true;
    endWait?.();
  }

  function waitForWork(): Promise<void> {
    if (woken) {
      woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const handle = clock.setTimeout(() => done(), pollMs);
      const done = () => {
        clock.clearTimeout(handle);
        endWait = null;
        woken = false;
        resolve();
      };
      endWait = done;
    });
  }

  async function deliverOne(msg: ClaimedMessage): Promise<void> {
    let secret: string | null = null;
    try {
      if (msg.secret_sealed !== null) secret = open(msg.secret_sealed, dataKey, msg.id).reveal();
      else if (placeholdersOf(msg.body).includes(SECRET_SLOT)) throw new Error('the secret is missing');
    } catch (err) {
      // Retrying cannot fix a wrong data key or a tampered row.
      await markAttemptFailed(db, msg.id, now(), `secret unavailable: ${describeFailure(err, [])}`, null);
      logger?.error({ messageId: msg.id }, 'notify: secret cannot be opened; message failed');
      return;
    }
    const text = fillSecret(msg.body, secret);
    let providerId: string;
    try {
      ({ providerId } = await withDeadline(
        channels[msg.channel].deliver({ id: msg.id, channel: msg.channel, to: msg.recipient, subject: msg.subject, text, language: msg.language }),
      ));
    } catch (err) {
      const error = describeFailure(err, [text, secret]);
      const giveUp = msg.attempts >= retry.maxAttempts;
      const retryAt = giveUp ? null : new Date(clock.now() + retryDelayMs(retry, msg.attempts));
      await markAttemptFailed(db, msg.id, now(), error, retryAt);
      logger?.warn({ messageId: msg.id, attempts: msg.attempts, gaveUp: giveUp, error }, 'notify: delivery failed');
      return;
    }
    // If this write is lost the lease runs out and the message is sent again: at-least-once.
    await markDelivered(db, msg.id, now(), providerId);
    logger?.info({ messageId: msg.id, channel: msg.channel, attempts: msg.attempts }, 'notify: delivered');
  }

  async function withDeadline<T>(work: Promise<T>): Promise<T> {
    let handle: TimerHandle | undefined;
    const timeout = new Promise<never>((_, reject) => {
      handle = clock.setTimeout(() => reject(new Error(`delivery channel did not answer within ${deliverTimeoutMs} ms`)), deliverTimeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      if (handle) clock.clearTimeout(handle);
    }
  }

  async function round(): Promise<number> {
    await recoverStale(db, now(), retry.maxAttempts);
    await expireDue(db, now());
    const claimed = await claimDue(db, now(), leaseMs, batch);
    const results = await Promise.allSettled(claimed.map(deliverOne));
    for (const r of results) {
      if (r.status === 'rejected') logger?.error({ error: describeFailure(r.reason, []) }, 'notify: recording a delivery failed');
    }
    return claimed.length;
  }

  function runOnce(): Promise<number> {
    if (state === 'stopped') return Promise.reject(new ClaveError('CLOSED', 'outbox worker is stopped'));
    const p = round();
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => {});
    return p;
  }

  async function run(): Promise<void> {
    while (state === 'running') {
      let attempted = 0;
      try {
        attempted = await runOnce();
      } catch (err) {
        logger?.error({ error: describeFailure(err, []) }, 'notify: outbox round failed');
      }
      if (state !== 'running') break;
      // A full batch suggests more is waiting: go again at once.
      if (attempted < batch) await waitForWork();
    }
  }

  return {
    start() {
      if (state === 'stopped') throw new ClaveError('CLOSED', 'outbox worker is stopped');
      if (state === 'running') return;
      state = 'running';
      unsubscribe = options.outbox.onWake(wake);
      loop = run();
    },
    async stop() {
      if (state !== 'stopped') {
        state = 'stopped';
        unsubscribe?.();
        wake();
      }
      await loop;
      await Promise.allSettled([...inFlight]);
    },
    runOnce,
    wake,
  };
}
