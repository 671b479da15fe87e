import { afterEach, describe, expect, it } from 'vitest';
import { ClaveError, type ClaveErrorCode, SimulatedClock } from '../shared/index.ts';
import type { BankPort, Customer } from './port.ts';
import { createResilientBank, type BankHealth, type ResilientBank, type ResilientBankOptions } from './resilient-bank.ts';

type Behaviour = 'answer' | 'hang' | 'hang_deaf' | 'unavailable' | { refuse: ClaveErrorCode };

/** A bank whose every call does what `behaviour` says, recording the signals it was given. */
class ScriptedBank {
  behaviour: Behaviour = 'answer';
  signals: (AbortSignal | undefined)[] = [];

  readonly port = {
    getCustomer: (_id: string, o?: { signal?: AbortSignal }) => this.#run<Customer | null>(o?.signal, null),
    findCustomerByDocument: (_d: unknown, o?: { signal?: AbortSignal }) => this.#run<Customer | null>(o?.signal, null),
    unlockSignature: (_r: unknown, o?: { signal?: AbortSignal }) => this.#run<undefined>(o?.signal, undefined),
  } as unknown as BankPort;

  #run<T>(signal: AbortSignal | undefined, value: T): Promise<T> {
    this.signals.push(signal);
    const b = this.behaviour;
    if (b === 'answer') return Promise.resolve(value);
    if (b === 'unavailable') return Promise.reject(new ClaveError('BANK_UNAVAILABLE', 'HTTP 503'));
    if (b === 'hang_deaf') return new Promise<T>(() => undefined);
    if (b === 'hang') {
      return new Promise<T>((_, reject) => {
        signal?.addEventListener('abort', () => reject(new ClaveError('BANK_UNAVAILABLE', 'aborted')), { once: true });
      });
    }
    return Promise.reject(new ClaveError(b.refuse, 'refused on purpose'));
  }
}

let clock: SimulatedClock;
let scripted: ScriptedBank;
let bank: ResilientBank;
let probes: number;

function make(opts: Partial<ResilientBankOptions> = {}, withProbe = false): ResilientBank {
  clock = new SimulatedClock();
  scripted = new ScriptedBank();
  probes = 0;
  bank = createResilientBank(scripted.port, {
    clock,
    breaker: { minimumAttempts: 3, window: 10, halfOpenAfterMs: 5_000, maxHalfOpenAfterMs: 60_000 },
    ...(withProbe
      ? {
          healthCheck: {
            everyMs: 1_000,
            probe: ({ signal }) => {
              probes++;
              return scripted.port.getCustomer('probe', { signal }).then(() => undefined);
            },
          },
        }
      : {}),
    ...opts,
  });
  return bank;
}
afterEach(() => bank.stop());

/** The settled state of a promise, without waiting for it. */
function watch<T>(p: Promise<T>): { state: () => 'pending' | 'resolved' | 'rejected'; error: () => unknown } {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  let error: unknown;
  p.then(
    () => (state = 'resolved'),
    (err: unknown) => {
      state = 'rejected';
      error = err;
    },
  );
  return { state: () => state, error: () => error };
}

async function failWith(p: Promise<unknown>): Promise<ClaveError> {
  const err = await p.then(() => null, (e: unknown) => e);
  if (!(err instanceof ClaveError)) throw new Error(`expected a ClaveError, got ${String(err)}`);
  return err;
}

async function openByLiveFailures(): Promise<void> {
  scripted.behaviour = 'unavailable';
  for (let i = 0; i < 3; i++) await failWith(bank.getCustomer('CUS-0001'));
}

describe('deadline', () => {
  it('a call that does not answer fails with BANK_UNAVAILABLE at the deadline, its signal aborted', async () => {
    make({ deadlineMs: 3000 });
    scripted.behaviour = 'hang';
    const call = watch(bank.getCustomer('CUS-0001'));
    await clock.advance(2999);
    expect(call.state()).toBe('pending');
    expect(scripted.signals[0]?.aborted).toBe(false);
    await clock.advance(1);
    expect(call.state()).toBe('rejected');
    expect(call.error()).toMatchObject({ code: 'BANK_UNAVAILABLE', details: { deadlineMs: 3000 } });
    expect(scripted.signals[0]?.aborted).toBe(true);
  });

  it('settles at the deadline even when the adapter ignores its signal', async () => {
    make({ deadlineMs: 500 });
    scripted.behaviour = 'hang_deaf';
    const call = watch(bank.unlockSignature({ customerId: 'CUS-0001', idempotencyKey: 'k1' }));
    await clock.advance(500);
    expect(call.state()).toBe('rejected');
    expect(call.error()).toMatchObject({ code: 'BANK_UNAVAILABLE', details: { deadlineMs: 500 } });
    expect(clock.pending).toBe(0);
  });

  it("passes the caller's abort down at once, and a hang-up never counts against the bank", async () => {
    make();
    scripted.behaviour = 'hang';
    for (let i = 0; i < 5; i++) {
      const hangup = new AbortController();
      const call = watch(bank.getCustomer('CUS-0001', { signal: hangup.signal }));
      await clock.advance(100);
      hangup.abort();
      await clock.advance(0);
      expect(call.error()).toMatchObject({ code: 'BANK_UNAVAILABLE', details: { cancelled: true } });
      expect(scripted.signals[i]?.aborted).toBe(true);
    }
    expect(bank.health()).toEqual({ available: true, circuit: 'closed', lastError: null, lastCheckAt: null });
    // An already aborted caller does not reach the bank.
    expect(await failWith(bank.getCustomer('CUS-0001', { signal: AbortSignal.abort() }))).toMatchObject({ details: { cancelled: true } });
    expect(scripted.signals).toHaveLength(5);
  });

  it('an answer in time clears the timer and passes through', async () => {
    make();
    expect(await bank.getCustomer('CUS-0001')).toBeNull();
    expect(clock.pending).toBe(0);
  });
});

describe('circuit breaker', () => {
  it('opens after live failures; then every call fails at once without reaching the bank', async () => {
    make();
    const changes: BankHealth[] = [];
    bank.onChange((h) => changes.push(h));
    await openByLiveFailures();
    expect(bank.health()).toEqual({
      available: false,
      circuit: 'open',
      lastError: 'BANK_UNAVAILABLE: HTTP 503',
      lastCheckAt: null,
    });
    expect(changes.map((h) => h.circuit)).toEqual(['open']);
    scripted.behaviour = 'hang';
    const err = await failWith(bank.getCustomer('CUS-0001'));
    expect(err).toMatchObject({ code: 'BANK_UNAVAILABLE', details: { circuit: 'open' } });
    expect(scripted.signals).toHaveLength(3);
  });

  it('a deadline that runs out counts as a failure', async () => {
    make({ deadlineMs: 1000 });
    scripted.behaviour = 'hang';
    for (let i = 0; i < 3; i++) {
      const call = watch(bank.getCustomer('CUS-0001'));
      await clock.advance(1000);
      expect(call.state()).toBe('rejected');
    }
    expect(bank.health()).toMatchObject({ circuit: 'open', lastError: 'BANK_UNAVAILABLE: the bank did not answer within 1000 ms' });
  });

  it("the bank's refusals are answers: they never open the circuit and pass through unchanged", async () => {
    make();
    const codes: ClaveErrorCode[] = ['CUSTOMER_NOT_FOUND', 'OPERATION_NOT_FOUND', 'OPERATION_NOT_ELIGIBLE', 'IDEMPOTENCY_CONFLICT', 'USER_NOT_FOUND'];
    for (const code of [...codes, ...codes]) {
      scripted.behaviour = { refuse: code };
      expect(await failWith(bank.getCustomer('CUS-0001'))).toMatchObject({ code, message: 'refused on purpose' });
    }
    expect(bank.health()).toMatchObject({ available: true, circuit: 'closed', lastError: null });
    // And they dilute the failures in the window: two failures among ten refusals do not open it.
    scripted.behaviour = 'unavailable';
    await failWith(bank.getCustomer('CUS-0001'));
    await failWith(bank.getCustomer('CUS-0001'));
    expect(bank.health().circuit).toBe('closed');
  });

  it('after the wait one live call is the trial: failure reopens for twice as long, success closes', async () => {
    make();
    await openByLiveFailures();
    await clock.advance(4999);
    expect(await failWith(bank.getCustomer('CUS-0001'))).toMatchObject({ details: { circuit: 'open' } });
    await clock.advance(1);
    // The trial fails: open again, now for 10 s.
    expect(await failWith(bank.getCustomer('CUS-0001'))).toMatchObject({ message: 'HTTP 503' });
    expect(bank.health().circuit).toBe('open');
    await clock.advance(9999);
    expect(await failWith(bank.getCustomer('CUS-0001'))).toMatchObject({ details: { circuit: 'open' } });
    await clock.advance(1);
    scripted.behaviour = 'answer';
    expect(await bank.getCustomer('CUS-0001')).toBeNull();
    expect(bank.health()).toEqual({ available: true, circuit: 'closed', lastError: null, lastCheckAt: null });
  });

  it('while the trial is under way, other calls fail at once rather than wait on it', async () => {
    make({ deadlineMs: 3000 });
    await openByLiveFailures();
    await clock.advance(5000);
    scripted.behaviour = 'hang';
    const trial = watch(bank.getCustomer('CUS-0001'));
    await clock.advance(0);
    expect(bank.health()).toMatchObject({ available: false, circuit: 'half-open' });
    expect(await failWith(bank.getCustomer('CUS-0002'))).toMatchObject({ code: 'BANK_UNAVAILABLE', details: { circuit: 'half-open' } });
    await clock.advance(3000);
    expect(trial.state()).toBe('rejected');
    expect(bank.health().circuit).toBe('open');
  });
  it('a trial whose caller hangs up proves nothing: the circuit stays open', async () => {
    make();
    await openByLiveFailures();
    await clock.advance(5000);
    scripted.behaviour = 'hang';
    const hangup = new AbortController();
    const trial = watch(bank.getCustomer('CUS-0001', { signal: hangup.signal }));
    await clock.advance(0);
    hangup.abort();
    await clock.advance(0);
    expect(trial.error()).toMatchObject({ details: { cancelled: true } });
    expect(bank.health().circuit).toBe('open');
  });
});

describe('health probe', () => {
  it('opens the circuit on a dead bank with no calls at all', async () => {
    make({ deadlineMs: 2000 }, true);
    scripted.behaviour = 'hang';
    const changes: string[] = [];
    bank.onChange((h) => changes.push(h.circuit));
    // Each probe: 1 s until it starts, 2 s until its deadline.
    await clock.advance(3000 * 2);
    expect(bank.health()).toMatchObject({ circuit: 'closed', lastError: 'BANK_UNAVAILABLE: the bank did not answer within 2000 ms' });
    await clock.advance(3000);
    expect(probes).toBe(3);
    expect(bank.health()).toEqual({
      available: false,
      circuit: 'open',
      lastError: 'BANK_UNAVAILABLE: the bank did not answer within 2000 ms',
      lastCheckAt: new Date(clock.now()),
    });
    expect(changes).toEqual(['open']);
    expect(await failWith(bank.getCustomer('CUS-0001'))).toMatchObject({ details: { circuit: 'open' } });
  });

  it('closes the circuit as soon as a probe gets an answer, before live calls would try', async () => {
    make({ deadlineMs: 2000 }, true);
    await openByLiveFailures();
    const changes: string[] = [];
    bank.onChange((h) => changes.push(h.circuit));
    await clock.advance(1000);
    // The probe tried the open circuit and failed: still open.
    expect(probes).toBe(1);
    expect(bank.health()).toMatchObject({ circuit: 'open', lastCheckAt: new Date(clock.now()) });
    scripted.behaviour = 'answer';
    await clock.advance(1000);
    expect(probes).toBe(2);
    expect(bank.health()).toEqual({ available: true, circuit: 'closed', lastError: null, lastCheckAt: new Date(clock.now()) });
    expect(changes).toEqual(['half-open', 'open', 'half-open', 'closed']);
    expect(await bank.getCustomer('CUS-0001')).toBeNull();
  });

  it('stop() ends the probing', async () => {
    make({}, true);
    await clock.advance(2000);
    expect(probes).toBe(2);
    bank.stop();
    await clock.advance(10_000);
    expect(probes).toBe(2);
    expect(clock.pending).toBe(0);
  });
});
