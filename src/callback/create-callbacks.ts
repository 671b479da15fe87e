import { randomBytes } from 'node:crypto';
import { ClaveError } from '../shared/index.ts';
import { resolveCallbackConfig } from './config.ts';
import { startDelivery, type Delivery } from './delivery.ts';
import { maskNumber } from './mask-number.ts';
import { claimDue, countRows, expireDue, findOpen, getRow, insertRequest, listRows, recoverStale, type MovedRow } from './queries.ts';
import { parseRequestInput } from './request-input.ts';
import { CALLBACK_STATUSES, type Callbacks, type CallbacksDeps, type CallbackStatus } from './types.ts';
import { toView } from './view.ts';

const LIST_LIMIT = 100;
const LIST_MAX = 1_000;

/**
 * The durable call-back queue (issue 6): requests survive a killed process
 * or a restarted database in callback_requests, and are dialled through the
 * `dialer` port by whichever process claims them, with retries, leases and
 * expiry. Several processes may share one PostgreSQL: each claims its own
 * requests (see queries.ts). The host calls `tick()` on a timer (and after
 * `schedule()`, to dial at once).
 *
 * @example
 *   const callbacks = createCallbacks({ db, clock, logger, nodeId: `clave-${process.pid}`, dialer });
 *   const { id } = await callbacks.schedule({ customerId, reference, number: '+34600111222', language: 'es', sourceCallId });
 *   await callbacks.tick(); // starts dialling it
 *   // …
 *   await callbacks.close();
 */
export function createCallbacks(deps: CallbacksDeps): Callbacks {
  const { db, clock, logger, nodeId } = deps;
  const config = resolveCallbackConfig(deps.config);
  if (nodeId.trim() === '') throw new ClaveError('INVALID_CONFIG', 'call-backs need a node id', { field: 'nodeId' });
  const deliveries = new Map<string, Delivery>();
  let closed = false;
  const stopping = new AbortController();
  let closing: Promise<void> | null = null;
  // Rounds run one at a time in a process, so that two cannot both fill the same free slots.
  let rounds: Promise<unknown> = Promise.resolve();
  // The first round also frees what this node held before a restart (node ids are unique per process, as for call
  // records): those calls died with the old process, and need not wait for their leases to run out.
  let restarted = true;

  function logMoved(rows: MovedRow[], result: string): void {
    for (const r of rows) {
      logger.info(
        { requestId: r.id, attempt: r.attempts, number: maskNumber(r.number), status: r.status, result, ...(r.dead_node ? { deadNode: r.dead_node } : {}) },
        `callback: ${r.status}`,
      );
    }
  }

  async function round(): Promise<number> {
    if (closed) return 0;
    const now = new Date(clock.now());
    logMoved(await recoverStale(db, now, config.maxAttempts, restarted ? nodeId : null), 'lease_lost');
    restarted = false;
    logMoved(await expireDue(db, now), 'expired');
    const free = config.concurrency - deliveries.size;
    if (free <= 0 || closed) return 0;
    const claimed = await claimDue(db, now, new Date(now.getTime() + config.leaseMs), nodeId, free);
    for (const row of claimed) {
      logger.info({ requestId: row.id, attempt: row.attempts, number: maskNumber(row.number), status: 'dialing' }, 'callback: dialing');
      const delivery = startDelivery({ db, clock, logger, nodeId, dialer: deps.dialer, config, stopping: stopping.signal }, row);
      deliveries.set(row.id, delivery);
      // Forgotten only once its result is written: until then the slot stays taken.
      void delivery.done.finally(() => deliveries.delete(row.id));
    }
    return claimed.length;
  }

  return {
    async schedule(input) {
      const req = parseRequestInput(input);
      // The open request may close between the insert that met it and the look-up: then insert again.
      for (let i = 0; i < 3; i++) {
        const now = new Date(clock.now());
        const id = await insertRequest(db, {
          ...req, id: `cb-${randomBytes(6).toString('hex')}`, now,
          firstAttemptAt: new Date(now.getTime() + config.firstAttemptDelayMs), expiresAt: new Date(now.getTime() + config.lifetimeMs),
        });
        const fields = { customerId: req.customerId, reference: req.reference, number: maskNumber(req.number), sourceCallId: req.sourceCallId };
        if (id !== null) {
          logger.info({ requestId: id, attempt: 0, ...fields, status: 'pending', result: 'scheduled' }, 'callback: pending');
          return { id, created: true };
        }
        const open = await findOpen(db, req.customerId, req.reference);
        if (open !== null) {
          logger.info({ requestId: open, ...fields }, 'callback: already scheduled');
          return { id: open, created: false };
        }
      }
      throw new Error('call-back request neither inserted nor found open three times');
    },

    tick() {
      const run = rounds.then(round);
      rounds = run.catch(() => {});
      return run;
    },

    async list(opts = {}) {
      const limit = opts.limit ?? LIST_LIMIT;
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > LIST_MAX) {
        throw new ClaveError('INVALID_ARGUMENT', `limit must be an integer from 1 to ${LIST_MAX}`, { field: 'limit' });
      }
      const status = opts.status ?? null;
      if (status !== null && !(CALLBACK_STATUSES as readonly string[]).includes(status)) {
        throw new ClaveError('INVALID_ARGUMENT', `status must be one of ${CALLBACK_STATUSES.join(', ')}`, { field: 'status' });
      }
      return (await listRows(db, limit, status as CallbackStatus | null)).map(toView);
    },

    async counts() {
      const counts = Object.fromEntries(CALLBACK_STATUSES.map((status) => [status, 0])) as Record<CallbackStatus, number>;
      for (const { status, n } of await countRows(db)) counts[status] = n;
      return counts;
    },

    async get(id) {
      const row = await getRow(db, id);
      return row ? toView(row) : null;
    },

    get inFlight() {
      return deliveries.size;
    },

    close() {
      closing ??= (async () => {
        closed = true;
        stopping.abort();
        await rounds;
        const now = [...deliveries.values()];
        for (const d of now) d.controller.abort(new ClaveError('CLOSED', 'call-backs are shutting down'));
        await Promise.all(now.map((d) => d.done));
      })();
      return closing;
    },
  };
}
