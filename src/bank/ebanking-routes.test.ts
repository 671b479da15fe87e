import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Sensitive } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { bankFixture, openTestDb, type BankFixture } from './test-support.ts';

let db: Db;
let f: BankFixture;
let app: FastifyInstance;
beforeAll(async () => {
  db = await openTestDb();
});
beforeEach(async () => {
  f = await bankFixture(db);
  app = Fastify();
  await app.register(f.bank.routes);
});
afterAll(async () => {
  await db.close();
});

const MIN = 60_000;
const post = async (url: string, payload: unknown) => {
  const res = await app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
};
const login = (username: string, password: string) => post('/bank/ebanking/login', { username, password });

async function giveTemporaryPassword(secret = 'Tmp4Pass9'): Promise<void> {
  await f.bank.resetEbankingUser({
    customerId: 'CUS-0001',
    secret: new Sensitive(secret),
    expiresAt: new Date(f.clock.now() + 60 * MIN),
    idempotencyKey: `reset-${secret}`,
  });
}

describe('e-banking login and password change', () => {
  it('a temporary password logs in, must be changed, and dies with the change', async () => {
    expect(await login('mgarcia', 'Tmp4Pass9')).toEqual({ status: 401, body: { error: 'invalid_credentials' } });
    await giveTemporaryPassword();
    expect(await login('mgarcia', 'Tmp4Pass9')).toEqual({ status: 200, body: { status: 'password_change_required' } });
    // Logging in does not use it up: it serves until changed or expired.
    expect(await login('mgarcia', 'Tmp4Pass9')).toEqual({ status: 200, body: { status: 'password_change_required' } });

    const change = await post('/bank/ebanking/password', { username: 'mgarcia', password: 'Tmp4Pass9', newPassword: 'my long secret' });
    expect(change).toEqual({ status: 200, body: { status: 'changed' } });
    expect(await f.notifier.sent(db)).toEqual([
      { channel: 'sms', to: '+34600111222', language: 'es', template: 'password_changed', params: { username: 'mgarcia' }, customerId: 'CUS-0001' },
    ]);

    expect(await login('mgarcia', 'my long secret')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await login('mgarcia', 'Tmp4Pass9')).toEqual({ status: 401, body: { error: 'invalid_credentials' } });
    const hash = await db.query<{ password_hash: string }>("SELECT password_hash FROM bank_users WHERE username = 'mgarcia'");
    expect(hash[0]?.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('the confirmation SMS is in the same transaction as the change', async () => {
    await giveTemporaryPassword();
    f.notifier.failNext = true;
    const res = await post('/bank/ebanking/password', { username: 'mgarcia', password: 'Tmp4Pass9', newPassword: 'my long secret' });
    expect(res.status).toBe(500);
    // Rolled back: the old temporary password still stands, the new one does not.
    expect(await login('mgarcia', 'Tmp4Pass9')).toEqual({ status: 200, body: { status: 'password_change_required' } });
    expect((await login('mgarcia', 'my long secret')).status).toBe(401);
    expect(await f.notifier.sent(db)).toEqual([]);
  });

  it('refuses a short new password or the temporary one again', async () => {
    await giveTemporaryPassword();
    const short = await post('/bank/ebanking/password', { username: 'mgarcia', password: 'Tmp4Pass9', newPassword: 'short7' });
    expect(short).toEqual({ status: 400, body: { error: 'password_too_short', message: 'the new password must have at least 8 characters' } });
    const same = await post('/bank/ebanking/password', { username: 'mgarcia', password: 'Tmp4Pass9', newPassword: 'Tmp4Pass9' });
    expect(same.status).toBe(400);
    expect(same.body.error).toBe('password_unchanged');
    const wrong = await post('/bank/ebanking/password', { username: 'mgarcia', password: 'nope-nope', newPassword: 'my long secret' });
    expect(wrong).toEqual({ status: 401, body: { error: 'invalid_credentials' } });
    expect(await f.notifier.sent(db)).toEqual([]);
  });

  it('a temporary password expires', async () => {
    await giveTemporaryPassword();
    await f.clock.advance(60 * MIN);
    expect(await login('mgarcia', 'Tmp4Pass9')).toEqual({ status: 401, body: { error: 'invalid_credentials' } });
  });

  it('5 wrong logins lock the user; then the right password gets 423', async () => {
    await giveTemporaryPassword();
    await post('/bank/ebanking/password', { username: 'mgarcia', password: 'Tmp4Pass9', newPassword: 'my long secret' });
    for (let i = 0; i < 5; i++) expect((await login('mgarcia', `wrong-${i}`)).status).toBe(401);
    expect(await login('mgarcia', 'my long secret')).toEqual({ status: 423, body: { error: 'user_locked' } });
    expect((await f.bank.getCustomer('CUS-0001'))?.ebanking?.status).toBe('locked');
    // The line's reset unlocks it again.
    await giveTemporaryPassword('Next5Pass');
    expect(await login('mgarcia', 'Next5Pass')).toEqual({ status: 200, body: { status: 'password_change_required' } });
  });

  it('an unknown user is refused like a wrong password', async () => {
    expect(await login('nobody', 'whatever1')).toEqual({ status: 401, body: { error: 'invalid_credentials' } });
  });

  it('bad bodies get 400 with a clear message', async () => {
    expect(await post('/bank/ebanking/login', { username: 'mgarcia' })).toEqual({
      status: 400,
      body: { error: 'invalid_body', message: 'password: is required (a string)' },
    });
    const extra = await post('/bank/ebanking/password', { username: 'mgarcia', password: 'x' });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toContain('newPassword');
    const code = await post('/bank/ebanking/operations/40718253/unlock', { code: 'abc' });
    expect(code).toEqual({ status: 400, body: { error: 'invalid_body', message: 'code: must be 4 to 12 digits' } });
    const ref = await post('/bank/ebanking/operations/4071/unlock', { code: '123456' });
    expect(ref).toEqual({ status: 400, body: { error: 'invalid_body', message: 'reference must be 8 digits' } });
  });
});

describe('operation unlock code', () => {
  const url = '/bank/ebanking/operations/40718253/unlock';
  async function setCode(code = '123456', key = 'u-1'): Promise<void> {
    await f.bank.setOperationUnlockCode({
      customerId: 'CUS-0001',
      reference: '40718253',
      code: new Sensitive(code),
      expiresAt: new Date(f.clock.now() + 15 * MIN),
      idempotencyKey: key,
    });
  }

  it('releases the operation once', async () => {
    await setCode();
    expect(await post(url, { code: '654321' })).toEqual({ status: 403, body: { error: 'invalid_code' } });
    expect(await post(url, { code: '123456' })).toEqual({ status: 200, body: { status: 'unlocked' } });
    expect((await f.bank.findOperation({ customerId: 'CUS-0001', reference: '40718253' }))?.status).toBe('unlocked');
    expect(await post(url, { code: '123456' })).toEqual({ status: 409, body: { error: 'already_used' } });
    expect(await post(url, { code: '111111' })).toEqual({ status: 409, body: { error: 'not_blocked' } });
  });

  it('expires after 15 minutes', async () => {
    await setCode();
    await f.clock.advance(15 * MIN);
    expect(await post(url, { code: '123456' })).toEqual({ status: 410, body: { error: 'expired' } });
    expect((await f.bank.findOperation({ customerId: 'CUS-0001', reference: '40718253' }))?.status).toBe('blocked');
  });

  it('works until just before 15 minutes', async () => {
    await setCode();
    await f.clock.advance(15 * MIN - 1000);
    expect(await post(url, { code: '123456' })).toEqual({ status: 200, body: { status: 'unlocked' } });
  });

  it('a new code replaces the earlier one', async () => {
    await setCode();
    await setCode('222222', 'u-2');
    expect(await post(url, { code: '123456' })).toEqual({ status: 403, body: { error: 'invalid_code' } });
    expect(await post(url, { code: '222222' })).toEqual({ status: 200, body: { status: 'unlocked' } });
  });

  it('dies after 5 wrong tries', async () => {
    await setCode();
    for (let i = 0; i < 5; i++) expect((await post(url, { code: `99999${i}` })).body).toEqual({ error: 'invalid_code' });
    expect(await post(url, { code: '123456' })).toEqual({ status: 429, body: { error: 'too_many_attempts' } });
    expect(await post(url, { code: '999999' })).toEqual({ status: 429, body: { error: 'too_many_attempts' } });
    expect((await f.bank.findOperation({ customerId: 'CUS-0001', reference: '40718253' }))?.status).toBe('blocked');
  });

  it('an unknown operation is not found', async () => {
    expect(await post('/bank/ebanking/operations/12345678/unlock', { code: '123456' })).toEqual({ status: 404, body: { error: 'not_found' } });
  });

  it('keeps only an HMAC of the code', async () => {
    await setCode();
    const dump = JSON.stringify(await db.query('SELECT * FROM bank_secrets'));
    expect(dump).not.toContain('123456');
  });
});

describe('signing key', () => {
  const issue = (reference = '55102938', customerId = 'CUS-0001', idempotencyKey = 'sk-1') =>
    f.bank.issueSigningKey({ customerId, reference, lifetimeMs: 5 * MIN, idempotencyKey });
  const sign = (reference: string, code: Sensitive<string>) => post(`/bank/ebanking/operations/${reference}/sign`, { code: code.reveal() });

  it('signs its operation once, and no other operation', async () => {
    const { key } = await issue();
    expect(await sign('61234570', key)).toEqual({ status: 403, body: { error: 'invalid_code' } });
    expect((await f.bank.findOperation({ customerId: 'CUS-0002', reference: '61234570' }))?.status).toBe('pending_signature');
    expect(await sign('55102938', key)).toEqual({ status: 200, body: { status: 'signed' } });
    expect((await f.bank.findOperation({ customerId: 'CUS-0001', reference: '55102938' }))?.status).toBe('signed');
    expect(await sign('55102938', key)).toEqual({ status: 409, body: { error: 'already_used' } });
  });

  it('is valid 5 minutes', async () => {
    const { key, expiresAt } = await issue();
    expect(expiresAt.toISOString()).toBe('2026-03-02T10:05:00.000Z');
    await f.clock.advance(5 * MIN);
    expect(await sign('55102938', key)).toEqual({ status: 410, body: { error: 'expired' } });
  });

  it('still works just before expiry', async () => {
    const { key } = await issue();
    await f.clock.advance(5 * MIN - 1000);
    expect(await sign('55102938', key)).toEqual({ status: 200, body: { status: 'signed' } });
  });

  it('is bound to the amount and payee it was issued for', async () => {
    const { key } = await issue();
    await db.query("UPDATE bank_operations SET amount = '3200.00' WHERE reference = '55102938'");
    expect(await sign('55102938', key)).toEqual({ status: 403, body: { error: 'invalid_code' } });
  });

  it('a key of another operation signs nothing here', async () => {
    const other = await issue('61234570', 'CUS-0002', 'sk-2');
    await issue();
    expect(await sign('55102938', other.key)).toEqual({ status: 403, body: { error: 'invalid_code' } });
    expect(await sign('40718253', other.key)).toEqual({ status: 409, body: { error: 'not_pending' } });
  });
});
