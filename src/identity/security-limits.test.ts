// Issue 6: a heightened (or lockdown) security mode locks self-service after
// 3 failed verifications in 24 hours instead of 5.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Sensitive, SimulatedClock } from '../shared/index.ts';
import { type Db, migrate, openPglite } from '../store/index.ts';
import { fakeBank, MARIA } from './fake-bank.test-support.ts';
import { createIdentity, DEFAULT_LIMITS, type Identity } from './index.ts';

const HOUR = 3600_000;
const zpk = randomBytes(16);

let db: Db;
beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
}, 60_000);
afterAll(() => db.close());

describe('verification limits under a security mode', () => {
  let clock: SimulatedClock;
  let mode: 'normal' | 'heightened' | 'lockdown';
  let identity: Identity;
  const attempt = (pin: string) => ({ customerId: MARIA.id, callId: 'call-1', cardLast4: '4821', pin: new Sensitive(pin) });
  async function failTimes(n: number): Promise<void> {
    for (let i = 0; i < n; i++) expect(await identity.verifyCard(attempt('0000'))).toBe('failed');
  }

  beforeEach(async () => {
    await db.query('DELETE FROM identity_attempts');
    await db.query('DELETE FROM identity_customers');
    clock = new SimulatedClock();
    mode = 'normal';
    identity = createIdentity({ db, bank: fakeBank(zpk).port, clock, zpk, limits: { minAnswerMs: 0 }, securityMode: { current: () => ({ mode }) } });
  });

  it.each(['heightened', 'lockdown'] as const)('locks on the 3rd failure within 24 hours in %s', async (m) => {
    mode = m;
    await failTimes(2);
    expect(await identity.verifyCard(attempt('0000'))).toBe('locked');
    expect(await identity.verifyCard(attempt('2580'))).toBe('locked');
    expect(await identity.isLocked(MARIA.id)).toEqual({ locked: true, until: new Date(clock.now() + 24 * HOUR) });
  });

  it('keeps 5 in normal, and the mode counts when the failure happens', async () => {
    await failTimes(3);
    expect(await identity.isLocked(MARIA.id)).toEqual({ locked: false });
    // Switched to heightened with 3 failures already on record: the next try is refused before the bank is asked.
    mode = 'heightened';
    expect(await identity.verifyCard(attempt('2580'))).toBe('locked');
  });

  it('ships 3 as the heightened default', () => {
    expect(DEFAULT_LIMITS.heightenedMaxFailures).toBe(3);
  });
});
