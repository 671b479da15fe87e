import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encryptPinBlock, tdesEncryptBlock } from '../crypto/index.ts';
import { isClaveError, Sensitive } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { bankFixture, openTestDb, readDemo, type BankFixture } from './test-support.ts';

let db: Db;
let f: BankFixture;
beforeAll(async () => {
  db = await openTestDb();
});
beforeEach(async () => {
  f = await bankFixture(db);
});
afterAll(async () => {
  await db.close();
});

const HOUR = 3_600_000;
const count = async (sql: string, params: unknown[] = []) => (await db.query<{ n: number }>(sql, params))[0]?.n;

describe('verifyPinBlock (HSM emulation)', () => {
  it('accepts the right PIN and refuses a wrong one', async () => {
    expect(await f.bank.verifyPinBlock({ customerId: 'CUS-0001', cardLast4: '4821', pinBlock: f.pinBlock('2580') })).toBe(true);
    expect(await f.bank.verifyPinBlock({ customerId: 'CUS-0001', cardLast4: '9034', pinBlock: f.pinBlock('7413') })).toBe(true);
    expect(await f.bank.verifyPinBlock({ customerId: 'CUS-0001', cardLast4: '4821', pinBlock: f.pinBlock('2581') })).toBe(false);
    expect(await f.bank.verifyPinBlock({ customerId: 'CUS-0001', cardLast4: '4821', pinBlock: f.pinBlock('7413') })).toBe(false);
  });

  it('answers false for an unknown card, another customer’s card, an unknown customer', async () => {
    expect(await f.bank.verifyPinBlock({ customerId: 'CUS-0001', cardLast4: '0000', pinBlock: f.pinBlock('2580') })).toBe(false);
    expect(await f.bank.verifyPinBlock({ customerId: 'CUS-0002', cardLast4: '4821', pinBlock: f.pinBlock('2580') })).toBe(false);
    expect(await f.bank.verifyPinBlock({ customerId: 'CUS-9999', cardLast4: '4821', pinBlock: f.pinBlock('2580') })).toBe(false);
  });

  it('answers false for a blocked card even with its right PIN', async () => {
    expect(await f.bank.verifyPinBlock({ customerId: 'CUS-0004', cardLast4: '2468', pinBlock: f.pinBlock('3690') })).toBe(false);
    expect(await f.bank.verifyPinBlock({ customerId: 'CUS-0004', cardLast4: '1122', pinBlock: f.pinBlock('9517') })).toBe(true);
  });

  it('answers false for a block under another key, a malformed block, a wrong size', async () => {
    const otherKey = encryptPinBlock(new Sensitive('2580'), randomBytes(16));
    expect(await f.bank.verifyPinBlock({ customerId: 'CUS-0001', cardLast4: '4821', pinBlock: otherKey })).toBe(false);
    // A well-encrypted block whose control field is 0 (format 0), not 1.
    const format0 = tdesEncryptBlock(f.keys.zpk, Buffer.from('042580ffffffffff', 'hex'));
    expect(await f.bank.verifyPinBlock({ customerId: 'CUS-0001', cardLast4: '4821', pinBlock: format0 })).toBe(false);
    expect(await f.bank.verifyPinBlock({ customerId: 'CUS-0001', cardLast4: '4821', pinBlock: Buffer.alloc(7) })).toBe(false);
  });

  it('throws BANK_UNAVAILABLE when the call is already aborted', async () => {
    const err = await f.bank
      .verifyPinBlock({ customerId: 'CUS-0001', cardLast4: '4821', pinBlock: f.pinBlock('2580') }, { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(isClaveError(err, 'BANK_UNAVAILABLE')).toBe(true);
  });
});

describe('checkSimSwap', () => {
  async function withSimChange(at: string | null): Promise<BankFixture> {
    const demo = readDemo();
    demo.customers[1]!.mobileSimChangedAt = at;
    return bankFixture(db, demo);
  }
  const ask = (b: BankFixture, mobile = '+34611222333') => b.bank.checkSimSwap({ customerId: 'CUS-0002', mobile, withinHours: 240 });

  it('reports a change inside the window', async () => {
    const b = await withSimChange('2026-02-27T10:00:00Z'); // 72 h before the clock
    expect(await ask(b)).toEqual({ swappedRecently: true, changedAt: '2026-02-27T10:00:00.000Z' });
    await b.clock.advance(169 * HOUR); // now 241 h after the change
    expect(await ask(b)).toEqual({ swappedRecently: false, changedAt: null });
  });

  it('reports no change outside the window or when unknown', async () => {
    const b = await withSimChange('2026-01-01T00:00:00Z');
    expect(await ask(b)).toEqual({ swappedRecently: false, changedAt: null });
    expect(await ask(f)).toEqual({ swappedRecently: false, changedAt: null });
  });

  it('treats a number that is not the registered mobile as swapped, and an unknown customer as not found', async () => {
    expect(await ask(f, '+34699999999')).toEqual({ swappedRecently: true, changedAt: null });
    const err = await f.bank.checkSimSwap({ customerId: 'CUS-9999', mobile: '+34611222333', withinHours: 240 }).catch((e: unknown) => e);
    expect(isClaveError(err, 'CUSTOMER_NOT_FOUND')).toBe(true);
  });
});

describe('state changes are idempotent', () => {
  const reset = (key: string, secret = 'Tmp4Pass9') => ({
    customerId: 'CUS-0001',
    secret: new Sensitive(secret),
    expiresAt: new Date(f.clock.now() + HOUR),
    idempotencyKey: key,
  });

  it('resetEbankingUser twice with one key: same answer, one effect', async () => {
    expect(await f.bank.resetEbankingUser(reset('call-1:reset'))).toEqual({ username: 'mgarcia' });
    expect(await f.bank.resetEbankingUser(reset('call-1:reset'))).toEqual({ username: 'mgarcia' });
    expect(await count("SELECT count(*)::int AS n FROM bank_secrets WHERE kind = 'ebanking_password'")).toBe(1);
    expect((await f.bank.getCustomer('CUS-0001'))?.ebanking).toEqual({ username: 'mgarcia', status: 'password_change_required' });
  });

  it('refuses a different request under a used key', async () => {
    await f.bank.resetEbankingUser(reset('call-1:reset'));
    const err = await f.bank.resetEbankingUser(reset('call-1:reset', 'Other7Pass')).catch((e: unknown) => e);
    expect(isClaveError(err, 'IDEMPOTENCY_CONFLICT')).toBe(true);
  });

  it('a new key replaces the earlier temporary password', async () => {
    await f.bank.resetEbankingUser(reset('call-1:reset', 'First7Pass'));
    await f.bank.resetEbankingUser(reset('call-2:reset', 'Second7Pass'));
    expect((await f.bank.ebanking.login('mgarcia', new Sensitive('First7Pass'))).ok).toBe(false);
    expect(await f.bank.ebanking.login('mgarcia', new Sensitive('Second7Pass'))).toEqual({ ok: true, status: 'password_change_required' });
  });

  it('resetPhonebankingUser stores the access code as an HMAC, once', async () => {
    const req = { customerId: 'CUS-0002', secret: new Sensitive('482913'), expiresAt: new Date(f.clock.now() + HOUR), idempotencyKey: 'k' };
    expect(await f.bank.resetPhonebankingUser(req)).toEqual({ username: 'X1234567' });
    expect(await f.bank.resetPhonebankingUser(req)).toEqual({ username: 'X1234567' });
    const rows = await db.query<{ hash: string }>("SELECT hash FROM bank_secrets WHERE kind = 'phonebanking_code'");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await f.bank.getCustomer('CUS-0002'))?.phonebanking?.status).toBe('password_change_required');
  });

  it('unlockSignature twice: one effect; unknown customer: not found', async () => {
    await f.bank.unlockSignature({ customerId: 'CUS-0001', idempotencyKey: 'sig-1' });
    await f.bank.unlockSignature({ customerId: 'CUS-0001', idempotencyKey: 'sig-1' });
    expect((await f.bank.getCustomer('CUS-0001'))?.signature).toEqual({ status: 'active' });
    expect(await count("SELECT count(*)::int AS n FROM bank_idempotency WHERE operation = 'unlockSignature'")).toBe(1);
    const err = await f.bank.unlockSignature({ customerId: 'CUS-9999', idempotencyKey: 'sig-2' }).catch((e: unknown) => e);
    expect(isClaveError(err, 'CUSTOMER_NOT_FOUND')).toBe(true);
    expect(await count("SELECT count(*)::int AS n FROM bank_idempotency WHERE idempotency_key = 'sig-2'")).toBe(0);
  });

  it('setOperationUnlockCode twice: one code; refuses unknown or unblocked operations', async () => {
    const req = { customerId: 'CUS-0001', reference: '40718253', code: new Sensitive('123456'), expiresAt: new Date(f.clock.now() + 15 * 60_000), idempotencyKey: 'u-1' };
    await f.bank.setOperationUnlockCode(req);
    await f.bank.setOperationUnlockCode(req);
    expect(await count("SELECT count(*)::int AS n FROM bank_secrets WHERE kind = 'operation_unlock'")).toBe(1);
    const notFound = await f.bank.setOperationUnlockCode({ ...req, customerId: 'CUS-0002', idempotencyKey: 'u-2' }).catch((e: unknown) => e);
    expect(isClaveError(notFound, 'OPERATION_NOT_FOUND')).toBe(true);
    const notBlocked = await f.bank.setOperationUnlockCode({ ...req, reference: '55102938', idempotencyKey: 'u-3' }).catch((e: unknown) => e);
    expect(isClaveError(notBlocked, 'OPERATION_NOT_ELIGIBLE')).toBe(true);
  });

  it('issueSigningKey repeated with one key revokes the earlier key', async () => {
    const req = { customerId: 'CUS-0001', reference: '55102938', lifetimeMs: 5 * 60_000, idempotencyKey: 'sk-1' };
    const first = await f.bank.issueSigningKey(req);
    const second = await f.bank.issueSigningKey(req);
    expect(first.key.reveal()).toMatch(/^\d{8}$/);
    expect(second.expiresAt.getTime()).toBe(f.clock.now() + 5 * 60_000);
    expect(second.operation).toMatchObject({ reference: '55102938', amount: '320.00', payee: 'ES79 2100 0813 6101 2345 6789' });
    expect(JSON.stringify(second)).not.toContain(second.key.reveal());
    expect(await count("SELECT count(*)::int AS n FROM bank_secrets WHERE kind = 'signing_key' AND revoked_at IS NOT NULL")).toBe(1);
    if (first.key.reveal() !== second.key.reveal()) {
      expect(await f.bank.ebanking.signOperation('55102938', first.key)).toEqual({ ok: false, error: 'invalid_code' });
    }
    expect(await f.bank.ebanking.signOperation('55102938', second.key)).toEqual({ ok: true, status: 'signed' });
    const blocked = await f.bank.issueSigningKey({ ...req, reference: '40718253', idempotencyKey: 'sk-2' }).catch((e: unknown) => e);
    expect(isClaveError(blocked, 'OPERATION_NOT_ELIGIBLE')).toBe(true);
  });
});
