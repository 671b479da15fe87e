import { randomUUID } from 'node:crypto';
import type { Logger } from '../../log/index.ts';
import { sleep, type Clock, type Sensitive } from '../../shared/index.ts';
import type { Db } from '../../store/index.ts';
import { eventKey } from '../subscribers/index.ts';
import type { IncidentEvent } from '../types.ts';
import { DEFAULT_WEBHOOK_RETRY, webhookRetryDelayMs, type WebhookRetry } from './backoff.ts';
import { claimDeliveries, settleDelivery, type ClaimedDelivery, type Settlement } from './delivery-queries.ts';
import { isPublicEvent, webhookBody } from './payload.ts';
import { signWebhook } from './signature.ts';
import { wants, type WebhookEndpoint } from './webhook-config.ts';

export interface WebhooksDeps {
  db: Db;
  clock: Clock;
  endpoints: WebhookEndpoint[];
  logger?: Logger;
  retry?: Partial<WebhookRetry>;
  /** Per request, headers and status line; default 10 s. */
  timeoutMs?: number;
  /** How long a claimed delivery is this worker's; default 60 s (must exceed timeoutMs). */
  leaseMs?: number;
  /** Deliveries per round; default 10. */
  batch?: number;
  /** Idle wait between rounds when nothing was due; default 5 s (dispatch() wakes the worker at once). */
  pollMs?: number;
  /** Uniform in [0, 1), for the jitter; default Math.random. */
  random?: () => number;
  fetch?: typeof fetch;
}

export type WebhookDeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'dead';

export interface WebhookDeliveryView {
  /** The X-Clave-Delivery header. */
  id: string;
  endpoint: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  deadReason: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export interface WebhookRound {
  claimed: number;
  delivered: number;
  retried: number;
  dead: number;
  /** Outcomes not recorded because the lease had passed to another worker. */
  lost: number;
}

export interface Webhooks {
  /** Queues the event for every endpoint that wants it, once per (event, endpoint) however often it is called. */
  dispatch(event: IncidentEvent): Promise<{ deliveries: number }>;
  /** One round: claim due deliveries, POST them, record the outcomes. */
  runOnce(): Promise<WebhookRound>;
  start(): void;
  /** Stops after the round in progress; idempotent. */
  stop(): Promise<void>;
  list(query?: { status?: WebhookDeliveryStatus; limit?: number }): Promise<WebhookDeliveryView[]>;
  /** A dead letter goes back to the queue with a fresh day of retries; false when `id` is not dead. */
  requeue(id: string): Promise<boolean>;
}

/**
 * Signed outgoing webhooks through a durable queue: dispatch() writes one row
 * per endpoint, a worker POSTs it (at least once; receivers deduplicate on
 * X-Clave-Delivery), retrying with jittered backoff for a day before the row
 * is dead-lettered with its reason. Several workers, in several processes,
 * share the queue safely.
 *
 * @example
 *   const hooks = createWebhooks({ db, clock, endpoints: parseWebhooksConfig(process.env.CLAVE_WEBHOOKS) });
 *   incidents.onEvent((event) => void hooks.dispatch(event));
 *   hooks.start(); // … await hooks.stop() on shutdown
 */
export function createWebhooks(deps: WebhooksDeps): Webhooks {
  const { db, clock, logger } = deps;
  const retry: WebhookRetry = { ...DEFAULT_WEBHOOK_RETRY, ...deps.retry };
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const leaseMs = Math.max(deps.leaseMs ?? 60_000, timeoutMs + 5_000);
  const batch = deps.batch ?? 10;
  const pollMs = deps.pollMs ?? 5_000;
  const random = deps.random ?? Math.random;
  const fetchFn = deps.fetch ?? fetch;
  const owner = `worker-${randomUUID()}`;
  const byUrl = new Map(deps.endpoints.map((e) => [e.url, e]));
  const now = () => new Date(clock.now());
  let loop: Promise<void> | null = null;
  let controller: AbortController | null = null;
  let wake: (() => void) | null = null;

  async function post(endpoint: WebhookEndpoint, claim: ClaimedDelivery): Promise<string | null> {
    const timestamp = String(Math.floor(clock.now() / 1000));
    const abort = new AbortController();
    const timer = clock.setTimeout(() => abort.abort(), timeoutMs);
    try {
      const res = await fetchFn(endpoint.url, {
        method: 'POST',
        body: claim.body,
        // A redirect would send the signed body somewhere the configuration does not name.
        redirect: 'manual',
        signal: abort.signal,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Clave-Webhooks/1',
          'x-clave-event': claim.event_type,
          'x-clave-delivery': claim.id,
          'x-clave-timestamp': timestamp,
          'x-clave-signature': signWebhook(reveal(endpoint.secret), timestamp, claim.body),
        },
      });
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) return null;
      return `HTTP ${res.status}${res.status >= 300 && res.status < 400 ? ' (redirects are not followed)' : ''}`;
    } catch (err) {
      if (abort.signal.aborted) return `no answer within ${timeoutMs} ms`;
      const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
      const detail = [cause?.code, cause?.message, (err as Error).message].find((v): v is string => typeof v === 'string');
      return `network error: ${detail ?? 'unknown'}`.slice(0, 300);
    } finally {
      clock.clearTimeout(timer);
    }
  }

  async function attempt(claim: ClaimedDelivery): Promise<Settlement> {
    const endpoint = byUrl.get(claim.endpoint);
    if (!endpoint) return { status: 'dead', reason: 'the endpoint is no longer configured', error: 'endpoint not configured' };
    const error = await post(endpoint, claim);
    if (error === null) return { status: 'delivered' };
    const retryAt = new Date(clock.now() + webhookRetryDelayMs(retry, claim.attempts, random()));
    if (retryAt.getTime() > claim.give_up_at.getTime()) {
      return { status: 'dead', reason: `gave up after ${claim.attempts} attempt(s); the last one: ${error}`, error };
    }
    return { status: 'pending', retryAt, error };
  }

  async function runOnce(): Promise<WebhookRound> {
    const claims = await claimDeliveries(db, now(), leaseMs, batch, owner);
    const round: WebhookRound = { claimed: claims.length, delivered: 0, retried: 0, dead: 0, lost: 0 };
    await Promise.all(claims.map(async (claim) => {
      const outcome = await attempt(claim);
      const kept = await settleDelivery(db, claim, owner, now(), outcome);
      const log = { delivery: claim.id, endpoint: hostOf(claim.endpoint), event: claim.event_type, attempt: claim.attempts };
      if (!kept) {
        round.lost++;
        logger?.warn(log, 'webhook lease lost before the outcome was recorded; another worker retries');
      } else if (outcome.status === 'delivered') {
        round.delivered++;
      } else if (outcome.status === 'pending') {
        round.retried++;
        logger?.warn({ ...log, error: outcome.error, retryAt: outcome.retryAt }, 'webhook delivery failed; will retry');
      } else {
        round.dead++;
        logger?.error({ ...log, reason: outcome.reason }, 'webhook delivery dead-lettered');
      }
    }));
    return round;
  }

  async function run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let busy = false;
      try {
        busy = (await runOnce()).claimed > 0;
      } catch (err) {
        logger?.error({ err }, 'webhook round failed');
      }
      if (busy || signal.aborted) continue;
      const idle = new AbortController();
      wake = () => idle.abort();
      const stop = () => idle.abort();
      signal.addEventListener('abort', stop, { once: true });
      await sleep(clock, pollMs, idle.signal).catch(() => {});
      signal.removeEventListener('abort', stop);
      wake = null;
    }
  }

  return {
    async dispatch(event) {
      if (!isPublicEvent(event)) return { deliveries: 0 };
      const targets = deps.endpoints.filter((e) => wants(e, event.type));
      if (targets.length === 0) return { deliveries: 0 };
      const body = webhookBody(event);
      const key = eventKey(event);
      const at = now();
      const giveUpAt = new Date(at.getTime() + retry.giveUpAfterMs);
      let deliveries = 0;
      for (const endpoint of targets) {
        const rows = await db.query(
          `INSERT INTO incidents_webhook_deliveries (id, event_key, endpoint, event_type, body, status, next_attempt_at, give_up_at, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $6, $6)
           ON CONFLICT (event_key, endpoint) DO NOTHING RETURNING id`,
          [`dlv_${randomUUID()}`, key, endpoint.url, event.type, body, at, giveUpAt],
        );
        deliveries += rows.length;
      }
      if (deliveries > 0) wake?.();
      return { deliveries };
    },

    runOnce,

    start() {
      if (loop) return;
      controller = new AbortController();
      loop = run(controller.signal);
    },

    async stop() {
      controller?.abort();
      await loop;
      loop = null;
      controller = null;
    },

    async list(query = {}) {
      const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 1), 500);
      const rows = await db.query<DeliveryRow>(
        `SELECT id, endpoint, event_type, status, attempts, next_attempt_at, last_error, dead_reason, created_at, delivered_at
         FROM incidents_webhook_deliveries WHERE ($1::text IS NULL OR status = $1) ORDER BY created_at DESC, id LIMIT $2`,
        [query.status ?? null, limit],
      );
      return rows.map((r) => ({
        id: r.id, endpoint: r.endpoint, eventType: r.event_type, status: r.status, attempts: r.attempts, nextAttemptAt: r.next_attempt_at,
        lastError: r.last_error, deadReason: r.dead_reason, createdAt: r.created_at, deliveredAt: r.delivered_at,
      }));
    },

    async requeue(id) {
      const at = now();
      const rows = await db.query(
        `UPDATE incidents_webhook_deliveries SET status = 'pending', next_attempt_at = $2, give_up_at = $3, dead_reason = NULL, updated_at = $2
         WHERE id = $1 AND status = 'dead' RETURNING id`,
        [id, at, new Date(at.getTime() + retry.giveUpAfterMs)],
      );
      if (rows.length > 0) wake?.();
      return rows.length > 0;
    },
  };
}

interface DeliveryRow {
  id: string;
  endpoint: string;
  event_type: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  dead_reason: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

function reveal(secret: Sensitive<string> | string): string {
  return typeof secret === 'string' ? secret : secret.reveal();
}

/** Logs name the receiver's host only: a URL may carry a token in its query. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}
