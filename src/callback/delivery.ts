import type { Logger } from '../log/index.ts';
import { ClaveError, isClaveError, sleep, type Clock } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { maskNumber } from './mask-number.ts';
import { settle, type ClaimedRow } from './queries.ts';
import { decide, endsForGood, type DeliveryEnd } from './result-policy.ts';
import type { CallbackConfig, CallbackDialer } from './types.ts';

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  nodeId: string;
  dialer: CallbackDialer;
  config: CallbackConfig;
  /** Aborted when the queue closes: a result that cannot be written is then tried once more, not waited for. */
  stopping: AbortSignal;
}

export interface Delivery {
  readonly controller: AbortController;
  /** Settles when the call is over and its result written (or given up on); never rejects. */
  readonly done: Promise<void>;
}

/** Writes of a result that failed (the database restarting) are tried again after 1, 2, 4 and 8 s. */
const SETTLE_RETRIES = 4;

/**
 * How long a delivery may run: its lease less a margin, so that the call is
 * hung up and its result written before another process may claim the
 * request (a tenth of the lease, at most a minute).
 *
 * @example deliveryDeadlineMs(600_000) // 540_000
 */
export function deliveryDeadlineMs(leaseMs: number): number {
  return leaseMs - Math.min(Math.floor(leaseMs / 10), 60_000);
}

/**
 * Runs one claimed request through the dialer and records how it ended,
 * guarded by the claim. A result that cannot be written is retried a few
 * times; after that the lease runs out and the request goes again (counted):
 * a request is never lost, at worst dialled once more.
 *
 * @example
 *   const d = startDelivery(deps, claimed);
 *   d.controller.abort(); // shutdown: the dialer hangs up, the request goes back to pending
 *   await d.done;
 */
export function startDelivery(deps: DeliveryDeps, row: ClaimedRow): Delivery {
  const { clock, logger, dialer } = deps;
  const controller = new AbortController();
  const masked = maskNumber(row.number);
  let timedOut = false;
  const deadline = clock.setTimeout(() => {
    timedOut = true;
    controller.abort(new ClaveError('TIMEOUT', 'the call-back outlived its lease'));
  }, deliveryDeadlineMs(deps.config.leaseMs));

  async function run(): Promise<void> {
    let end: DeliveryEnd;
    try {
      end = await dialer.deliver(
        { requestId: row.id, customerId: row.customer_id, reference: row.reference, number: row.number, language: row.language, attempt: row.attempts },
        controller.signal,
      );
    } catch (err) {
      // A dialer reports every expected end as a result: a throw is a bug, counted so that it cannot loop.
      const message = (err instanceof Error ? err.message : String(err)).replaceAll(row.number, masked);
      logger.error({ requestId: row.id, attempt: row.attempts, error: isClaveError(err) ? err.code : message }, 'callback: the dialer failed');
      end = { kind: 'error' };
    } finally {
      clock.clearTimeout(deadline);
    }
    // Our deadline, not a shutdown, cancelled it: the phone may well have rung, so the attempt counts.
    if (timedOut && end.kind === 'not_answered' && end.reason === 'cancelled') end = { kind: 'timed_out' };
    // Our shutdown cut the call short (a dialer may report the outcome the flow had reached, such as no_input):
    // unless it settled the request, the attempt is given back.
    if (controller.signal.aborted && !timedOut && !endsForGood(end)) {
      const callId = end.kind === 'answered' || end.kind === 'not_answered' ? end.callId : undefined;
      end = { kind: 'not_answered', reason: 'cancelled', ...(callId ? { callId } : {}) };
    }
    await record(end);
  }

  async function record(end: DeliveryEnd): Promise<void> {
    const decision = decide(end, {
      attempt: row.attempts, now: clock.now(), expiresAt: row.expires_at.getTime(), config: deps.config, jitter: Math.random(),
    });
    const callId = end.kind === 'answered' || end.kind === 'not_answered' ? (end.callId ?? null) : null;
    const fields = {
      requestId: row.id, attempt: row.attempts, number: masked, status: decision.status, result: decision.lastResult,
      counted: decision.counted, ...(callId ? { callId } : {}),
      ...(decision.nextAttemptAt !== null && decision.status === 'pending' ? { nextAttemptAt: new Date(decision.nextAttemptAt).toISOString() } : {}),
    };
    for (let retry = 0; ; retry++) {
      try {
        const kept = await settle(deps.db, {
          id: row.id, nodeId: deps.nodeId, attempt: row.attempts, status: decision.status, counted: decision.counted,
          nextAttemptAt: decision.nextAttemptAt === null ? null : new Date(decision.nextAttemptAt),
          lastResult: decision.lastResult, callId, now: new Date(clock.now()),
        });
        if (kept) logger.info(fields, `callback: ${decision.status}`);
        else logger.warn(fields, 'callback: lease lost before the result was recorded; the new owner decides');
        return;
      } catch (err) {
        if (retry >= SETTLE_RETRIES || deps.stopping.aborted) {
          logger.error({ ...fields, error: isClaveError(err) ? err.code : String(err) }, 'callback: result not recorded; the request goes again when its lease runs out');
          return;
        }
        await sleep(clock, 1_000 * 2 ** retry, deps.stopping).catch(() => {});
      }
    }
  }

  return { controller, done: run() };
}
