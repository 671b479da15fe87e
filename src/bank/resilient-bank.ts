import { BrokenCircuitError, circuitBreaker, CircuitState, CountBreaker, handleWhen, IsolatedCircuitError } from 'cockatiel';
import type { Logger } from '../log/index.ts';
import { ClaveError, isClaveError, type Clock, type TimerHandle } from '../shared/index.ts';
import { wasCancelled, withDeadline } from './call-deadline.ts';
import type { BankCallOptions, BankPort } from './port.ts';

export interface BankBreakerOptions {
  /** Share of the last `window` calls that must have failed to open the circuit (default 0.5). */
  threshold?: number;
  /** Calls and probes remembered (default 10). */
  window?: number;
  /** Calls and probes needed before the circuit may open (default 3): three failed probes open it with no traffic. */
  minimumAttempts?: number;
  /** How long live calls are held back once the circuit opens; doubles on each failed trial up to `maxHalfOpenAfterMs` (defaults 5 s, 60 s). */
  halfOpenAfterMs?: number;
  maxHalfOpenAfterMs?: number;
}

export interface BankHealthCheck {
  everyMs: number;
  /** One cheap call to the bank beneath this wrapper; resolving means the bank answers (see bankProbe). */
  probe(opts: { signal: AbortSignal }): Promise<void>;
}

export interface ResilientBankOptions {
  clock: Clock;
  /** Longest a bank call may take before it fails with BANK_UNAVAILABLE (default 3000). */
  deadlineMs?: number;
  healthCheck?: BankHealthCheck;
  breaker?: BankBreakerOptions;
  logger?: Logger;
}

export interface BankHealth {
  /** False while the circuit is open or a trial call is under way: calls fail at once. */
  available: boolean;
  circuit: 'closed' | 'open' | 'half-open';
  /** The last failure (no answer in time, unavailable), cleared by the next answer. */
  lastError: string | null;
  /** When the last health probe finished. */
  lastCheckAt: Date | null;
}

export type ResilientBank = BankPort & {
  health(): BankHealth;
  /** Called with the new health whenever the circuit opens, closes or goes half-open. */
  onChange(listener: (health: BankHealth) => void): () => void;
  /** Stops the health probe. Idempotent. */
  stop(): void;
};

const DEFAULTS: Required<BankBreakerOptions> = {
  threshold: 0.5,
  window: 10,
  minimumAttempts: 3,
  halfOpenAfterMs: 5_000,
  maxHalfOpenAfterMs: 60_000,
};

/**
 * The bank behind a deadline and a circuit breaker (cockatiel), fed by live
 * calls and by a periodic probe. Every call gets an AbortSignal (the
 * deadline combined with the caller's own) and fails with BANK_UNAVAILABLE
 * when it runs out. While the circuit is open every call fails at once with
 * BANK_UNAVAILABLE `{ circuit: 'open' }`: no caller waits on a bank known to
 * be down. Only BANK_UNAVAILABLE counts against the bank; a refusal
 * (CUSTOMER_NOT_FOUND, OPERATION_NOT_ELIGIBLE, IDEMPOTENCY_CONFLICT, …) is an
 * answer, and a caller's own hang-up says nothing of the bank.
 *
 * Timing runs on the injected Clock: cockatiel's own half-open timer reads
 * Date.now(), so it is set to zero and the wait is kept here. The probe may
 * try an open circuit at any time (it is the cheap, customer-free trial);
 * live calls only after the wait.
 *
 * @example
 *   const bank = createResilientBank(drillable.bank, { clock, healthCheck: { everyMs: 5000, probe: bankProbe(drillable.bank) } });
 *   await bank.getCustomer('CUS-0001'); // BANK_UNAVAILABLE within 3 s if the bank hangs
 *   bank.health(); // { available: true, circuit: 'closed', lastError: null, lastCheckAt: … }
 */
export function createResilientBank(bank: BankPort, opts: ResilientBankOptions): ResilientBank {
  const { clock, logger } = opts;
  const deadlineMs = opts.deadlineMs ?? 3000;
  const b = { ...DEFAULTS, ...opts.breaker };
  const listeners = new Set<(health: BankHealth) => void>();
  let lastError: string | null = null;
  let lastCheckAt: Date | null = null;
  let reopenAt = 0;
  let opens = 0;

  const policy = circuitBreaker(
    handleWhen((err) => {
      // A trial that got no answer because its caller hung up proves nothing: keep the circuit open.
      if (wasCancelled(err)) return policy.state === CircuitState.HalfOpen;
      return isClaveError(err, 'BANK_UNAVAILABLE');
    }),
    {
      halfOpenAfter: 0,
      breaker: new CountBreaker({ threshold: b.threshold, size: b.window, minimumNumberOfCalls: b.minimumAttempts }),
    },
  );
  policy.onBreak(() => {
    opens++;
    reopenAt = clock.now() + Math.min(b.maxHalfOpenAfterMs, b.halfOpenAfterMs * 2 ** (opens - 1));
  });
  policy.onReset(() => {
    opens = 0;
  });
  policy.onStateChange(() => {
    const now = health();
    if (now.circuit === 'open') logger?.error({ lastError }, 'bank circuit open: bank calls fail at once until it answers again');
    else if (now.circuit === 'closed') logger?.info('bank circuit closed: the bank answers again');
    for (const listener of listeners) listener(now);
  });

  function circuit(): BankHealth['circuit'] {
    const state = policy.state;
    return state === CircuitState.Closed ? 'closed' : state === CircuitState.HalfOpen ? 'half-open' : 'open';
  }

  function health(): BankHealth {
    const c = circuit();
    return { available: c === 'closed', circuit: c, lastError, lastCheckAt };
  }

  async function through<T>(caller: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await policy.execute(async () => {
        try {
          const value = await withDeadline(clock, deadlineMs, caller, work);
          lastError = null;
          return value;
        } catch (err) {
          if (!isClaveError(err, 'BANK_UNAVAILABLE')) lastError = null;
          else if (!wasCancelled(err)) lastError = `${err.code}: ${err.message}`;
          throw err;
        }
      });
    } catch (err) {
      if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) throw circuitOpen(circuit());
      throw err;
    }
  }

  /** A live call: refused at once while the circuit is open (before its wait ends) or a trial is under way. */
  function call<T>(opts: BankCallOptions | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const state = policy.state;
    if (state === CircuitState.HalfOpen || state === CircuitState.Isolated || (state === CircuitState.Open && clock.now() < reopenAt)) {
      return Promise.reject(circuitOpen(circuit()));
    }
    return through(opts?.signal, work);
  }

  let timer: TimerHandle | undefined;
  let stopped = false;
  const check = opts.healthCheck;
  async function probeOnce(healthCheck: BankHealthCheck): Promise<void> {
    if (policy.state === CircuitState.HalfOpen) return; // a live trial is deciding already
    await through(undefined, (signal) => healthCheck.probe({ signal })).catch(() => undefined);
    lastCheckAt = new Date(clock.now());
  }
  function schedule(): void {
    if (stopped || !check) return;
    timer = clock.setTimeout(() => {
      void probeOnce(check).then(schedule);
    }, check.everyMs);
  }
  schedule();

  return {
    findCustomerByDocument: (doc, o) => call(o, (signal) => bank.findCustomerByDocument(doc, { signal })),
    getCustomer: (id, o) => call(o, (signal) => bank.getCustomer(id, { signal })),
    verifyPinBlock: (req, o) => call(o, (signal) => bank.verifyPinBlock(req, { signal })),
    checkSimSwap: (req, o) => call(o, (signal) => bank.checkSimSwap(req, { signal })),
    resetEbankingUser: (req, o) => call(o, (signal) => bank.resetEbankingUser(req, { signal })),
    resetPhonebankingUser: (req, o) => call(o, (signal) => bank.resetPhonebankingUser(req, { signal })),
    unlockSignature: (req, o) => call(o, (signal) => bank.unlockSignature(req, { signal })),
    findOperation: (req, o) => call(o, (signal) => bank.findOperation(req, { signal })),
    setOperationUnlockCode: (req, o) => call(o, (signal) => bank.setOperationUnlockCode(req, { signal })),
    issueSigningKey: (req, o) => call(o, (signal) => bank.issueSigningKey(req, { signal })),
    health,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopped = true;
      if (timer) clock.clearTimeout(timer);
    },
  };
}

function circuitOpen(circuit: BankHealth['circuit']): ClaveError {
  return new ClaveError('BANK_UNAVAILABLE', 'the bank is known to be down; calls fail at once until it answers again', { circuit });
}
