import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClaveError, Sensitive, SimulatedClock } from '../shared/index.ts';
import { type Db, migrate, openPglite } from '../store/index.ts';
import { fakeBank, MARIA } from './fake-bank.test-support.ts';
import { createIdentity, type Identity } from './index.ts';

const MARIA_DNI = { type: 'DNI', number: '12345678Z' } as const;

describe('identify', () => {
  let db: Db;
  let clock: SimulatedClock;
  let identity: Identity;
  const zpk = randomBytes(16);

  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
  }, 60_000);
  afterAll(() => db.close());
  beforeEach(async () => {
    await db.query('DELETE FROM identity_attempts');
    await db.query('DELETE FROM identity_customers');
    clock = new SimulatedClock();
    identity = createIdentity({ db, bank: fakeBank(zpk).port, clock, zpk, limits: { minAnswerMs: 0 } });
  });

  it('identifies the document holder calling from a registered phone, in any caller-ID shape', async () => {
    for (const callerId of ['+34600111222', '0034600111222', '34600111222', '600111222', '950123456']) {
      const result = await identity.identify({ document: MARIA_DNI, callerId });
      expect(result).toEqual({ kind: 'identified', customer: MARIA });
    }
  });

  it('answers customer_not_found for an unknown document, before looking at the caller', async () => {
    const result = await identity.identify({ document: { type: 'DNI', number: '48291736Q' }, callerId: '+34600111222' });
    expect(result).toEqual({ kind: 'customer_not_found' });
  });

  it('answers caller_not_registered for another phone or a withheld caller ID', async () => {
    expect(await identity.identify({ document: MARIA_DNI, callerId: '+34699000000' })).toEqual({
      kind: 'caller_not_registered',
    });
    expect(await identity.identify({ document: MARIA_DNI, callerId: null })).toEqual({ kind: 'caller_not_registered' });
  });

  it('answers verification_locked, with the end of the lock, once self-service is locked', async () => {
    for (let i = 0; i < 5; i++) {
      await identity.verifyCard({ customerId: MARIA.id, callId: `call-${i}`, cardLast4: '4821', pin: new Sensitive('0000') });
    }
    const result = await identity.identify({ document: MARIA_DNI, callerId: '600111222' });
    expect(result).toEqual({ kind: 'verification_locked', until: new Date(clock.now() + 24 * 3600_000) });
  });

  it('checks the caller before the lock: a locked customer calling from elsewhere is not told about the lock', async () => {
    await db.query(`INSERT INTO identity_customers (customer_id, locked_until, updated_at) VALUES ($1, $2, $3)`, [
      MARIA.id,
      new Date(clock.now() + 1000),
      new Date(clock.now()),
    ]);
    expect(await identity.identify({ document: MARIA_DNI, callerId: '+34699000000' })).toEqual({
      kind: 'caller_not_registered',
    });
  });

  it('changes nothing in the store', async () => {
    await identity.identify({ document: MARIA_DNI, callerId: '600111222' });
    await identity.identify({ document: MARIA_DNI, callerId: '+34699000000' });
    expect(await db.query('SELECT * FROM identity_customers')).toEqual([]);
    expect(await db.query('SELECT * FROM identity_attempts')).toEqual([]);
  });

  it('lets a bank error through unchanged', async () => {
    const down = new ClaveError('BANK_UNAVAILABLE', 'bank down');
    const bank = fakeBank(zpk);
    bank.port.findCustomerByDocument = () => Promise.reject(down);
    const broken = createIdentity({ db, bank: bank.port, clock, zpk });
    await expect(broken.identify({ document: MARIA_DNI, callerId: '600111222' })).rejects.toBe(down);
  });
});
