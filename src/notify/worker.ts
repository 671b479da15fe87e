import { open } from '../crypto/index.ts';
import type { Logger } from '../log/index.ts';
import { ClaveError, type Clock, type TimerHandle } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { classifyFailure } from './attempt-outcome.ts';
import { createChannelHealth, type ChannelHealth } from './channel-health.ts';
import { NO_METRICS, type DeliveryMetrics, type FailureReason } from './delivery-metrics.ts';
import { describeFailure } from './describe-failure.ts';
import type { NotifyOutbox } from './outbox.ts';
import { fillSecret, placeholdersOf, SECRET_SLOT } from './render.ts';
import { DEFAULT_RETRY, retryDelayMs, type RetryPolicy } from './retry-policy.ts';
import type { DeliveryChannel, DeliveryReceipt, OutboxChannel } from './types.ts';
import {
  claimDue, expireDue, recordHeldBack, recordReceipt, recordRound, recoverStale, type Accepted, type ClaimedMessage, type Failed,
} from './worker-queries.ts';

export interface OutboxWorkerOptions {
  db: Db;
  outbox: Pick<NotifyOutbox, 'onWake'>;
  clock: Clock;
  channels: Record<OutboxChannel, DeliveryChannel>;
  dataKey: Buffer;
  logger?: Logger;
  /** The channels' circuits, shared with the line so it does not promise what cannot be sent (default: the worker's own). */
  health?: ChannelHealth;
  metrics?: DeliveryMetrics;
  /** Idle wait between polls (default 2 s); wake() cuts it short. */
  pollMs?: number;
  /** Messages claimed per round (default 10). */
  batch?: number;
  retry?: Partial<RetryPolicy>;
  /** Uniform in [0, 1) for retry jitter; tests pin it. */
  random?: () => number;
  /** How long a claim is held before another worker may take the message over (default 5 min). */
  leaseMs?: number;
  /** A channel that has not answered by then counts as failed (default 60 s; keep it under leaseMs). */
  deliverTimeoutMs?: number;
  /** While a channel's circuit is open, its messages wait this long between looks (default 5 s). */
  heldBackMs?: number;
}

export interface OutboxWorker {
  start(): void;
  /** Idempotent; resolves once the batch in flight and the receipts being recorded are done. A stopped worker cannot start again. */
  stop(): Promise<void>;
  /** One round: recover stale claims, expire, claim and deliver. Resolves with the number of messages attempted. */
  runOnce(): Promise<number>;
  wake(): void;
  /** Records a receipt (the channels' listeners call it; so do HTTP status callbacks). */
  receipt(receipt: DeliveryReceipt): Promise<void>;
  readonly health: ChannelHealth;
}

/**
 * Delivers what the outbox holds. Safe to run in several processes on one
 * PostgreSQL: each round claims its own messages (see worker-queries.ts).
 * Every attempt is recorded with its outcome; transient failures are retried
 * with backoff and jitter while the message can still help; a refusal, spent
 * attempts or a lifetime that ends before the next try fail it with the
 * reason. Receipts turn `sent` messages into delivered or failed ones.
 *
 * @example
 *   const worker = createOutboxWorker({ db, outbox, clock, dataKey, channels: { sms: smpp, email: smtp } });
 *   worker.start();
 *   // ...
 *   await worker.stop();
 */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { db, clock, channels, dataKey, logger } = options;
  const pollMs = options.pollMs ?? 2_000;
  const batch = options.batch ?? 10;
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const random = options.random ?? Math.random;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const deliverTimeoutMs = options.deliverTimeoutMs ?? 60_000;
  const heldBackMs = options.heldBackMs ?? 5_000;
  const health = options.health ?? createChannelHealth(channels);
  const metrics = options.metrics ?? NO_METRICS;
  const providers = { sms: channels.sms.provider, email: channels.email.provider };
  const now = () => new Date(clock.now());

  let state: 'idle' | 'running' | 'stopped' = 'idle';
  let loop: Promise<void> | null = null;
  const unsubscribes: (() => void)[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let woken = false;
  let endWait: (() => void) | null = null;

  function track<T>(p: Promise<T>): Promise<T> {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => {});
    return p;
  }

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

  function failMetric(msg: ClaimedMessage, reason: FailureReason): void {
    metrics.failed(msg.channel, providers[msg.channel], reason);
  }

  type Attempted =
    | { kind: 'accepted'; msg: ClaimedMessage; accepted: Accepted }
    | { kind: 'failed'; msg: ClaimedMessage; failed: Failed; gaveUp: FailureReason | null }
    | { kind: 'heldBack'; msg: ClaimedMessage };

  /** Sends one claimed message; writes nothing (the round records all its outcomes in one transaction). */
  async function attemptOne(msg: ClaimedMessage): Promise<Attempted> {
    const provider = providers[msg.channel];
    const attempt = { messageId: msg.id, attempt: msg.attempts, provider, startedAt: now() };
    let secret: string | null = null;
    try {
      if (msg.secret_sealed !== null) secret = open(msg.secret_sealed, dataKey, msg.id).reveal();
      else if (placeholdersOf(msg.body).includes(SECRET_SLOT)) throw new Error('the secret is missing');
    } catch (err) {
      // Retrying cannot fix a wrong data key or a tampered row.
      const error = `secret unavailable: ${describeFailure(err, [])}`;
      logger?.error({ messageId: msg.id }, 'notify: secret cannot be opened; message failed');
      return { kind: 'failed', msg, failed: { attempt: { ...attempt, endedAt: now(), outcome: 'failed', error }, retryAt: null, reason: error }, gaveUp: 'secret_unavailable' };
    }
    const text = fillSecret(msg.body, secret);
    try {
      const result = await health.execute(msg.channel, () => withDeadline(channels[msg.channel].deliver({
        id: msg.id, channel: msg.channel, to: msg.recipient, subject: msg.subject, text, language: msg.language, expiresAt: msg.expires_at,
        ...(msg.unsubscribe_url ? { unsubscribeUrl: msg.unsubscribe_url } : {}),
      })));
      return { kind: 'accepted', msg, accepted: { attempt: { ...attempt, endedAt: now() }, result } };
    } catch (err) {
      return failure(msg, attempt, err, [text, secret]);
    }
  }

  function failure(
    msg: ClaimedMessage, attempt: { messageId: string; attempt: number; provider: string; startedAt: Date },
    err: unknown, clear: (string | null)[],
  ): Attempted {
    const classified = classifyFailure(err);
    const error = describeFailure(err, clear);
    const endedAt = now();
    if (classified.outcome === 'circuit_open') return { kind: 'heldBack', msg };
    let retryAt: Date | null = null;
    let reason = error;
    let gaveUp: FailureReason | null = null;
    if (!classified.retryable) gaveUp = 'rejected';
    else if (msg.attempts >= retry.maxAttempts) gaveUp = 'attempts_exhausted';
    else {
      const delay = Math.max(retryDelayMs(retry, msg.attempts, random()), classified.retryAfterMs ?? 0);
      retryAt = new Date(endedAt.getTime() + delay);
      if (msg.expires_at && retryAt >= msg.expires_at) {
        retryAt = null;
        gaveUp = 'too_late_to_retry';
        reason = `${error}; not retried: the message's lifetime ends before the next attempt`;
      }
    }
    logger?.warn({ messageId: msg.id, attempts: msg.attempts, outcome: classified.outcome, gaveUp, error }, 'notify: delivery failed');
    return { kind: 'failed', msg, failed: { attempt: { ...attempt, endedAt, outcome: classified.outcome, error }, retryAt, reason }, gaveUp };
  }

  /** Writes a round's outcomes (one transaction), then counts them. If the write is lost, the leases run out and the messages go again: at-least-once. */
  async function record(attempted: Attempted[]): Promise<void> {
    const accepted = attempted.flatMap((a) => (a.kind === 'accepted' ? [a.accepted] : []));
    const failed = attempted.flatMap((a) => (a.kind === 'failed' ? [a.failed] : []));
    const reached = await recordRound(db, accepted, failed);
    const heldBackUntil = new Date(clock.now() + heldBackMs);
    for (const a of attempted) {
      const provider = providers[a.msg.channel];
      if (a.kind === 'heldBack') {
        await recordHeldBack(db, a.msg.id, now(), heldBackUntil);
        metrics.attempt(a.msg.channel, provider, 'circuit_open');
        continue;
      }
      if (!reached.has(a.msg.id)) continue;
      if (a.kind === 'accepted') {
        const status = reached.get(a.msg.id);
        metrics.attempt(a.msg.channel, provider, 'accepted');
        metrics.sent(a.msg.channel, provider);
        if (status === 'delivered') metrics.delivered(a.msg.channel, provider);
        if (status === 'failed') failMetric(a.msg, 'receipt');
        logger?.info({ messageId: a.msg.id, channel: a.msg.channel, provider, attempts: a.msg.attempts, status }, 'notify: accepted by the provider');
      } else {
        metrics.attempt(a.msg.channel, provider, a.failed.attempt.outcome);
        if (a.gaveUp) failMetric(a.msg, a.gaveUp);
        else metrics.retried(a.msg.channel, provider);
      }
    }
  }

  async function withDeadline<T>(work: Promise<T>): Promise<T> {
    let handle: TimerHandle | undefined;
    const timeout = new Promise<never>((_, reject) => {
      handle = clock.setTimeout(
        () => reject(new ClaveError('TIMEOUT', `delivery channel did not answer within ${deliverTimeoutMs} ms`)),
        deliverTimeoutMs,
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      if (handle) clock.clearTimeout(handle);
    }
  }

  async function round(): Promise<number> {
    await recoverStale(db, now(), retry.maxAttempts);
    metrics.expired(await expireDue(db, now()));
    const claimed = await claimDue(db, now(), leaseMs, batch, providers);
    // attemptOne never throws: every failure is an outcome to record.
    await record(await Promise.all(claimed.map(attemptOne)));
    return claimed.length;
  }

  function runOnce(): Promise<number> {
    if (state === 'stopped') return Promise.reject(new ClaveError('CLOSED', 'outbox worker is stopped'));
    return track(round());
  }

  async function receipt(r: DeliveryReceipt): Promise<void> {
    const settled = await track(recordReceipt(db, r));
    if (!settled) return;
    if (settled.status === 'delivered') metrics.delivered(settled.channel, r.provider);
    else metrics.failed(settled.channel, r.provider, 'receipt');
    logger?.info({ messageId: settled.messageId, provider: r.provider, status: settled.status }, 'notify: receipt recorded');
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
    health,
    start() {
      if (state === 'stopped') throw new ClaveError('CLOSED', 'outbox worker is stopped');
      if (state === 'running') return;
      state = 'running';
      unsubscribes.push(options.outbox.onWake(wake));
      for (const channel of new Set(Object.values(channels))) {
        const off = channel.onReceipt?.((r) => {
          receipt(r).catch((err: unknown) => logger?.error({ error: describeFailure(err, []), provider: r.provider }, 'notify: recording a receipt failed'));
        });
        if (off) unsubscribes.push(off);
      }
      loop = run();
    },
    async stop() {
      if (state !== 'stopped') {
        state = 'stopped';
        for (const off of unsubscribes.splice(0)) off();
        wake();
      }
      await loop;
      await Promise.allSettled([...inFlight]);
    },
    runOnce,
    wake,
    receipt,
  };
}
