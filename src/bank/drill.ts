import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from '../log/index.ts';
import { ClaveError, sleep, type Clock } from '../shared/index.ts';
import { drillRoutes } from './drill-routes.ts';
import type { BankCallOptions, BankPort } from './port.ts';

export const DRILL_MODES = ['ok', 'down', 'slow', 'errors'] as const;
export type DrillMode = (typeof DRILL_MODES)[number];

export interface Drill {
  readonly mode: DrillMode;
  /** How much later every answer comes in `slow`. */
  readonly delayMs: number;
  set(mode: DrillMode, delayMs?: number): void;
}

export interface DrillableBankDeps {
  clock: Clock;
  /** Bearer token the drill routes require. */
  token: string;
  /** In `down`, how long a call with no signal hangs before it fails (default 60 s). */
  hangMs?: number;
  logger?: Logger;
}

export interface DrillableBank {
  bank: BankPort;
  drill: Drill;
  /** `GET /bank/drill` and `POST /bank/drill` (bearer token). */
  routes: FastifyPluginAsync;
}

export const DEFAULT_SLOW_MS = 5000;
const MAX_DELAY_MS = 600_000;

/**
 * The bank with a fault switch, so operators can rehearse an outage and
 * tests can break the bank from outside. The mode is read when a call starts:
 * - ok: calls pass through;
 * - down: calls never answer, like a dead backend: each hangs until its
 *   signal aborts (a deadline, a hang-up), or `hangMs`, then BANK_UNAVAILABLE;
 * - slow: the bank does its work at once and its answer arrives `delayMs`
 *   later, so a deadline that runs out has lost the answer of a change that
 *   was made (the case reconciliation exists for);
 * - errors: every call fails at once with BANK_UNAVAILABLE, like HTTP 500s.
 *
 * Composition: reference bank → drill → resilient wrapper → identity and services.
 *
 * @example
 *   const { bank, drill, routes } = createDrillableBank(reference, { clock, token });
 *   drill.set('slow', 8000);
 *   await app.register(routes);
 */
export function createDrillableBank(inner: BankPort, deps: DrillableBankDeps): DrillableBank {
  if (deps.token.length === 0) throw new ClaveError('INVALID_CONFIG', 'the bank drill needs a non-empty token');
  const { clock } = deps;
  const hangMs = deps.hangMs ?? 60_000;
  let mode: DrillMode = 'ok';
  let delayMs = DEFAULT_SLOW_MS;

  const drill: Drill = {
    get mode() {
      return mode;
    },
    get delayMs() {
      return delayMs;
    },
    set(next, delay = DEFAULT_SLOW_MS) {
      if (!DRILL_MODES.includes(next)) throw new ClaveError('INVALID_ARGUMENT', `unknown drill mode '${String(next)}'`);
      if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_MS) {
        throw new ClaveError('INVALID_ARGUMENT', `delayMs must be an integer from 0 to ${MAX_DELAY_MS}`);
      }
      if (next !== mode || delay !== delayMs) deps.logger?.warn({ mode: next, ...(next === 'slow' ? { delayMs: delay } : {}) }, 'bank drill');
      mode = next;
      delayMs = delay;
    },
  };

  async function through<T>(opts: BankCallOptions | undefined, work: (o: BankCallOptions) => Promise<T>): Promise<T> {
    const signal = opts?.signal;
    switch (mode) {
      case 'ok':
        return work(opts ?? {});
      case 'errors':
        throw new ClaveError('BANK_UNAVAILABLE', 'bank drill: the bank answers with errors', { drill: 'errors' });
      case 'down':
        await sleep(clock, hangMs, signal).catch(() => undefined);
        throw new ClaveError('BANK_UNAVAILABLE', 'bank drill: the bank does not answer', { drill: 'down' });
      case 'slow': {
        const delay = delayMs;
        const answer = await work(opts ?? {}).then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        try {
          await sleep(clock, delay, signal);
        } catch {
          throw new ClaveError('BANK_UNAVAILABLE', 'bank drill: the answer came too late', { drill: 'slow' });
        }
        if (!answer.ok) throw answer.error;
        return answer.value;
      }
    }
  }

  const bank: BankPort = {
    findCustomerByDocument: (doc, o) => through(o, (s) => inner.findCustomerByDocument(doc, s)),
    getCustomer: (id, o) => through(o, (s) => inner.getCustomer(id, s)),
    verifyPinBlock: (req, o) => through(o, (s) => inner.verifyPinBlock(req, s)),
    checkSimSwap: (req, o) => through(o, (s) => inner.checkSimSwap(req, s)),
    resetEbankingUser: (req, o) => through(o, (s) => inner.resetEbankingUser(req, s)),
    resetPhonebankingUser: (req, o) => through(o, (s) => inner.resetPhonebankingUser(req, s)),
    unlockSignature: (req, o) => through(o, (s) => inner.unlockSignature(req, s)),
    findOperation: (req, o) => through(o, (s) => inner.findOperation(req, s)),
    setOperationUnlockCode: (req, o) => through(o, (s) => inner.setOperationUnlockCode(req, s)),
    issueSigningKey: (req, o) => through(o, (s) => inner.issueSigningKey(req, s)),
  };

  return { bank, drill, routes: drillRoutes(drill, deps.token) };
}
