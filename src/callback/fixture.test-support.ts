import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createLogger } from '../log/index.ts';
import { SimulatedClock } from '../shared/index.ts';
import { migrate, openPglite, type Db } from '../store/index.ts';
import { createCallbacks } from './create-callbacks.ts';
import type { CallbackConfig, CallbackDialer, CallbackRequestInput, Callbacks, DeliveryResult } from './types.ts';

/** Monday 2 March 2026, 09:00 UTC. */
export const T0 = Date.parse('2026-03-02T09:00:00Z');
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const MOBILE = '+34600001222';

export function request(overrides: Partial<CallbackRequestInput> = {}): CallbackRequestInput {
  return { customerId: 'cust-1', reference: '12345678', number: MOBILE, language: 'es', sourceCallId: 'call-in-1', ...overrides };
}

type DeliverRequest = Parameters<CallbackDialer['deliver']>[0];

export interface FakeCall {
  readonly req: DeliverRequest;
  readonly signal: AbortSignal;
  settled: boolean;
  resolve(result: DeliveryResult): void;
  reject(err: Error): void;
}

/**
 * A dialer the test drives: each delivery waits until the test resolves it.
 * On abort it answers `cancelled`, as the SIP dialer does (CANCEL, or BYE
 * once answered), unless `ignoreAbort` plays a process that died.
 */
export class FakeDialer implements CallbackDialer {
  readonly calls: FakeCall[] = [];
  ignoreAbort = false;
  /** Answers every delivery at once with this result (a function of the request). */
  auto: ((req: DeliverRequest) => DeliveryResult) | null = null;

  deliver(req: DeliverRequest, signal: AbortSignal): Promise<DeliveryResult> {
    return new Promise((resolve, reject) => {
      const call: FakeCall = {
        req,
        signal,
        settled: false,
        resolve: (r) => {
          call.settled = true;
          resolve(r);
        },
        reject: (err) => {
          call.settled = true;
          reject(err);
        },
      };
      this.calls.push(call);
      signal.addEventListener('abort', () => {
        if (!this.ignoreAbort && !call.settled) call.resolve({ kind: 'not_answered', reason: 'cancelled' });
      }, { once: true });
      if (this.auto) call.resolve(this.auto(req));
    });
  }

  /** Deliveries still ringing or talking. */
  get open(): FakeCall[] {
    return this.calls.filter((c) => !c.settled);
  }

  /** The one open delivery of `requestId`. */
  callFor(requestId: string): FakeCall {
    const call = this.open.find((c) => c.req.requestId === requestId);
    if (!call) throw new Error(`no open delivery for ${requestId}`);
    return call;
  }
}

/** Waits (real time, briefly) until `cond` holds: results are written by promise chains the test does not hold. */
export async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface Harness {
  db: Db;
  clock: SimulatedClock;
  dialer: FakeDialer;
  logLines: string[];
  callbacks: Callbacks;
  /** Another queue on the same database (another process), with its own clock, dialer and node id. */
  another(opts?: { nodeId?: string; clock?: SimulatedClock; dialer?: FakeDialer; config?: Partial<CallbackConfig> }): Callbacks;
  /** Rebuilds `callbacks` with a config (closing the previous one). */
  configure(config: Partial<CallbackConfig>): Promise<Callbacks>;
  /** The raw row, for what the view leaves out (lease). */
  row(id: string): Promise<Record<string, unknown>>;
}

/** One in-memory PGlite per test file (opening one takes seconds), emptied before each test; a fresh queue at T0 per test. */
export function useCallbacks(overrides: Partial<CallbackConfig> = {}): Harness {
  // Dialled at once unless a test says otherwise: most rules are about what follows the first dial.
  const config: Partial<CallbackConfig> = { firstAttemptDelayMs: 0, ...overrides };
  const h = { logLines: [] as string[] } as Harness;
  const open: { cb: Callbacks; dialer: FakeDialer }[] = [];
  const make = (opts: { nodeId: string; clock: SimulatedClock; dialer: FakeDialer; config: Partial<CallbackConfig> }) => {
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void h.logLines.push(line) } });
    const cb = createCallbacks({ db: h.db, logger, ...opts });
    open.push({ cb, dialer: opts.dialer });
    return cb;
  };
  beforeAll(async () => {
    h.db = await openPglite();
    await migrate(h.db);
  }, 60_000);
  afterAll(() => h.db.close());
  beforeEach(async () => {
    await h.db.query('TRUNCATE callback_requests');
    h.logLines.length = 0;
    h.clock = new SimulatedClock(T0);
    h.dialer = new FakeDialer();
    h.callbacks = make({ nodeId: 'node-a', clock: h.clock, dialer: h.dialer, config });
    h.another = (opts = {}) =>
      make({ nodeId: opts.nodeId ?? 'node-b', clock: opts.clock ?? h.clock, dialer: opts.dialer ?? new FakeDialer(), config: { ...config, ...opts.config } });
    h.configure = async (more) => {
      await h.callbacks.close();
      h.callbacks = make({ nodeId: 'node-a', clock: h.clock, dialer: h.dialer, config: { ...config, ...more } });
      return h.callbacks;
    };
    h.row = async (id) => {
      const [row] = await h.db.query('SELECT * FROM callback_requests WHERE id = $1', [id]);
      if (!row) throw new Error(`no row ${id}`);
      return row;
    };
    return async () => {
      // Ends what a test left ringing (even on a "dead" node), so no delivery writes into the next test's rows.
      for (const { cb, dialer } of open.splice(0)) {
        for (const call of dialer.open) call.resolve({ kind: 'not_answered', reason: 'cancelled' });
        await cb.close();
      }
    };
  });
  return h;
}
