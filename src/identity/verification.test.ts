import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encryptPinBlock } from '../crypto/index.ts';
import { ClaveError, Sensitive, SimulatedClock } from '../shared/index.ts';
import { type Db, migrate, openPglite } from '../store/index.ts';
import { type FakeBank, fakeBank, MARIA } from './fake-bank.test-support.ts';
import { createIdentity, type Identity, type VerificationLimits } from './index.ts';

const HOUR = 3600_000;
const zpk = randomBytes(16);

function attempt(pin: string, cardLast4 = '4821', callId = 'call-1') {
  return { customerId: MARIA.id, callId, cardLast4, pin: new Sensitive(pin) };
}

let db: Db;
beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
}, 60_000);
afterAll(() => db.close());
beforeEach(async () => {
  await db.query('DELETE FROM identity_attempts');
  await db.query('DELETE FROM identity_customers');
});

describe('verifyCard', () => {
  let clock: SimulatedClock;
  let bank: FakeBank;
  let identity: Identity;
  const make = (limits: Partial<VerificationLimits> = { minAnswerMs: 0 }) =>
    createIdentity({ db, bank: bank.port, clock, zpk, limits });

  beforeEach(() => {
    clock = new SimulatedClock();
    bank = fakeBank(zpk);
    identity = make();
  });

  async function failTimes(n: number): Promise<void> {
    for (let i = 0; i < n; i++) expect(await identity.verifyCard(attempt('0000'))).toBe('failed');
  }

  it('verifies the right PIN of an active card', async () => {
    expect(await identity.verifyCard(attempt('2580'))).toBe('verified');
    expect(bank.pinChecks()).toBe(1);
  });

  it.each([
    ['a wrong PIN', '1234', '4821'],
    ['an unknown card', '2580', '9999'],
    ['a blocked card, even with its PIN', '3690', '2468'],
  ])('fails %s after asking the bank', async (_what, pin, last4) => {
    expect(await identity.verifyCard(attempt(pin, last4))).toBe('failed');
    expect(bank.pinChecks()).toBe(1);
  });

  it.each([
    ['a short PIN', '123', '4821'],
    ['a PIN with a non-digit', '25*0', '4821'],
    ['a malformed card number', '2580', '48a1'],
  ])('counts %s as a failure without asking the bank', async (_what, pin, last4) => {
    expect(await identity.verifyCard(attempt(pin, last4))).toBe('failed');
    expect(bank.pinChecks()).toBe(0);
    const rows = await db.query<{ status: string }>('SELECT status FROM identity_attempts');
    expect(rows).toEqual([{ status: 'failed' }]);
  });

  it('locks self-service on the 5th failure within 24 hours and never asks the bank a 6th time', async () => {
    await failTimes(4);
    expect(await identity.verifyCard(attempt('0000'))).toBe('locked');
    expect(await identity.verifyCard(attempt('2580'))).toBe('locked');
    expect(bank.pinChecks()).toBe(5);
    expect(await identity.isLocked(MARIA.id)).toEqual({ locked: true, until: new Date(clock.now() + 24 * HOUR) });
  });

  it('a success does not wipe earlier failures', async () => {
    await failTimes(2);
    expect(await identity.verifyCard(attempt('2580'))).toBe('verified');
    await failTimes(2);
    expect(await identity.verifyCard(attempt('0000'))).toBe('locked');
  });

  it('lets failures older than the window lapse', async () => {
    await failTimes(4);
    await clock.advance(24 * HOUR + 1);
    expect(await identity.verifyCard(attempt('0000'))).toBe('failed');
    expect(await identity.isLocked(MARIA.id)).toEqual({ locked: false });
  });

  it('unlocks after the lock time and starts counting afresh', async () => {
    const shortLock = make({ minAnswerMs: 0, lockMs: HOUR });
    for (let i = 0; i < 4; i++) await shortLock.verifyCard(attempt('0000'));
    expect(await shortLock.verifyCard(attempt('0000'))).toBe('locked');
    await clock.advance(HOUR + 1);
    expect(await shortLock.isLocked(MARIA.id)).toEqual({ locked: false });
    // The five failures are still within 24 hours, but the lock paid for them.
    expect(await shortLock.verifyCard(attempt('0000'))).toBe('failed');
    expect(await shortLock.verifyCard(attempt('2580'))).toBe('verified');
  });

  it('keeps the count across a restart (a new instance on the same store)', async () => {
    await failTimes(4);
    const restarted = make();
    expect(await restarted.verifyCard(attempt('0000'))).toBe('locked');
    expect(await make().isLocked(MARIA.id)).toMatchObject({ locked: true });
  });

  it('with 4 failures, a second concurrent call is refused while the first is at the bank', async () => {
    await failTimes(4);
    const gate = bank.hold();
    const first = identity.verifyCard(attempt('1111', '4821', 'call-a'));
    await gate.reached;
    const second = await identity.verifyCard(attempt('2222', '4821', 'call-b'));
    expect(second).toBe('locked');
    expect(bank.pinChecks()).toBe(5);
    gate.open();
    expect(await first).toBe('locked');
    expect(bank.pinChecks()).toBe(5);
    const failures = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM identity_attempts WHERE status = 'failed'`);
    expect(failures).toEqual([{ n: 5 }]);
  });

  it('with 4 failures, two calls started together: exactly one reaches the bank', async () => {
    await failTimes(4);
    const results = await Promise.all([
      identity.verifyCard(attempt('1111', '4821', 'call-a')),
      identity.verifyCard(attempt('2222', '4821', 'call-b')),
      make().verifyCard(attempt('2580', '4821', 'call-c')),
    ]);
    expect(results).toEqual(['locked', 'locked', 'locked']);
    expect(bank.pinChecks()).toBe(5);
  });

  it('gives the try back when the bank is unavailable, and lets the error through unchanged', async () => {
    await failTimes(4);
    const down = new ClaveError('BANK_UNAVAILABLE', 'bank down');
    bank.failWith(down);
    await expect(identity.verifyCard(attempt('0000'))).rejects.toBe(down);
    expect(await db.query(`SELECT * FROM identity_attempts WHERE status = 'pending'`)).toEqual([]);
    bank.failWith(null);
    expect(await identity.verifyCard(attempt('2580'))).toBe('verified');
  });

  it('counts a reservation a crashed process left pending as a failure once its TTL passes', async () => {
    await failTimes(4);
    await db.query(
      `INSERT INTO identity_attempts (id, customer_id, call_id, status, created_at) VALUES ('crashed', $1, 'call-x', 'pending', $2)`,
      [MARIA.id, new Date(clock.now())],
    );
    // Within the TTL it is in flight: it holds the last try.
    expect(await identity.verifyCard(attempt('2580'))).toBe('locked');
    expect(await identity.isLocked(MARIA.id)).toEqual({ locked: false });
    await clock.advance(2 * 60_000 + 1);
    expect(await identity.verifyCard(attempt('2580'))).toBe('locked');
    expect(await identity.isLocked(MARIA.id)).toEqual({ locked: true, until: new Date(clock.now() + 24 * HOUR) });
    expect(bank.pinChecks()).toBe(4);
  });

  it('stores neither the PIN nor the PIN block', async () => {
    const pin = '739146';
    const block = encryptPinBlock(new Sensitive(pin), zpk).toString('hex');
    await identity.verifyCard(attempt(pin));
    await identity.verifyCard(attempt('2580'));
    const dump = JSON.stringify([
      await db.query('SELECT * FROM identity_customers'),
      await db.query('SELECT * FROM identity_attempts'),
    ]);
    expect(dump).toContain(MARIA.id);
    expect(dump).not.toContain(pin);
    expect(dump).not.toContain('2580');
    // The block is randomly filled: compare its fixed head (control, length, PIN digits).
    expect(dump).not.toContain(block.slice(0, 8));
  });
});

describe('verifyCard answer time', () => {

  /** Runs `fn` while moving the simulated clock in 10 ms steps; resolves with the clock time it answered at. */
  async function timed(clock: SimulatedClock, fn: () => Promise<unknown>): Promise<{ value: unknown; elapsed: number }> {
    const start = clock.now();
    let done: { value: unknown; elapsed: number } | null = null;
    let error: unknown = null;
    fn().then(
      (value) => (done = { value, elapsed: clock.now() - start }),
      (err: unknown) => (error = err ?? new Error('rejected')),
    );
    while (done === null && error === null) {
      await clock.advance(10);
      await new Promise((r) => setTimeout(r, 1));
    }
    if (error !== null) throw error as Error;
    return done as unknown as { value: unknown; elapsed: number };
  }

  it('answers 1200 ms after the start whatever was wrong', async () => {
    const clock = new SimulatedClock();
    const bank = fakeBank(zpk);
    const identity = createIdentity({ db, bank: bank.port, clock, zpk });
    const cases: [string, string, string][] = [
      ['verified', '2580', '4821'],
      ['failed', '1234', '4821'],
      ['failed', '2580', '9999'],
      ['failed', '12', '4821'],
      ['failed', '0000', '4821'],
      ['locked', '0000', '4821'],
      ['locked', '2580', '4821'],
    ];
    for (const [expected, pin, last4] of cases) {
      const { value, elapsed } = await timed(clock, () => identity.verifyCard(attempt(pin, last4)));
      expect(value).toBe(expected);
      expect(elapsed).toBeGreaterThanOrEqual(1200);
      expect(elapsed).toBeLessThan(1200 + 20);
    }
  });

  it('pads a bank error to the same time', async () => {
    const clock = new SimulatedClock();
    const bank = fakeBank(zpk);
    bank.failWith(new ClaveError('BANK_UNAVAILABLE', 'bank down'));
    const identity = createIdentity({ db, bank: bank.port, clock, zpk, limits: { minAnswerMs: 800 } });
    const start = clock.now();
    let settledAt = 0;
    const p = identity.verifyCard(attempt('2580')).catch((err: unknown) => {
      settledAt = clock.now();
      return err;
    });
    while (settledAt === 0) {
      await clock.advance(10);
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(await p).toMatchObject({ code: 'BANK_UNAVAILABLE' });
    expect(settledAt - start).toBeGreaterThanOrEqual(800);
    expect(settledAt - start).toBeLessThan(820);
  });
});
