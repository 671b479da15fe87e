/**
 * The unlock line through the softphone against a running Clave: every
 * service, every outcome and the bad inputs of the spec, with each story
 * finished on the bank's e-banking side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../src/call/index.ts';
import type { CallResult } from '../src/channel/index.ts';
import { eventually, prompts, startTestLine, type JumpClock, type TestLine } from './support/line.ts';

const UNLOCK = '950183313';
const SUPPORT = '901511000';
const MARIA = '+34600111222';
const JOHN = '+34611222333';
const ANTONIO = '+34622333444';
const LUCIA = '+34633444555';

let line: TestLine;
beforeAll(async () => {
  line = await startTestLine();
});
afterAll(async () => {
  await line?.close();
});

const keyOf = (r: CallResult) => {
  const p = r.events.find((e) => e.type === 'prompt' && e.id === 'signing_key');
  return p?.type === 'prompt' ? (p.params['key'] ?? '').replace(/\D/g, '') : '';
};

async function smsTo(phone: string, pattern: RegExp): Promise<string> {
  return eventually(async () => {
    const mail = await line.mailbox();
    const hit = mail.filter((m) => m.channel === 'sms' && m.to === phone).map((m) => pattern.exec(m.text)?.[1]).filter(Boolean).at(-1);
    return hit ?? undefined;
  });
}

describe('e-banking user recovery', () => {
  it('sends the user name by e-mail and a temporary password by SMS that must be changed', async () => {
    const r = await line.call(MARIA, UNLOCK, '2 1 1 1 12345678 4821 2580');
    expect(r.outcome).toBe('ebanking_user_recovered');
    expect(r.language).toBe('en');
    expect(prompts(r).slice(-2)).toEqual(['ebanking_done', 'goodbye']);

    const mail = await eventually(async () => (await line.mailbox()).find((m) => m.channel === 'email' && m.to === 'maria.garcia@example.es'));
    expect(mail.text).toContain('mgarcia');
    const password = await smsTo(MARIA, /password is (\S+) and/);
    expect(mail.text).not.toContain(password);

    expect(await line.post('/bank/ebanking/login', { username: 'mgarcia', password })).toMatchObject({ status: 200, body: { status: 'password_change_required' } });
    const change = await line.post('/bank/ebanking/password', { username: 'mgarcia', password, newPassword: 'A-new-long-passw0rd' });
    expect(change.status).toBe(200);
    await eventually(async () => (await line.mailbox()).find((m) => m.to === MARIA && /mgarcia/.test(m.text)));
    expect(await line.post('/bank/ebanking/login', { username: 'mgarcia', password: 'A-new-long-passw0rd' })).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect((await line.post('/bank/ebanking/login', { username: 'mgarcia', password })).status).toBe(401);

    const record = await line.api<CallRecord>(`/api/calls/${r.callId}`);
    expect(record).toMatchObject({ state: 'ended', outcome: 'ebanking_user_recovered', language: 'en', dialed: UNLOCK, caller: MARIA });
    expect(record.transcript).toContainEqual(expect.objectContaining({ type: 'keys', node: 'pin', value: '****' }));
    expect(record.path.map((p) => p.node)).toContain('unlock-line:verify');
  });

  it('needs an e-mail address on file', async () => {
    const r = await line.call(ANTONIO, UNLOCK, '1 1 1 1 48291736 7788 1470');
    expect(r.outcome).toBe('contact_details_missing');
    expect(prompts(r)).toContain('contact_details_missing');
  });
});

describe('phone-banking user recovery', () => {
  it('recovers an NIE holder in English, keyed as X = 0', async () => {
    const r = await line.call(JOHN, UNLOCK, '2 1 2 2 0 1234567 1357 8642');
    expect(r.outcome).toBe('phonebanking_user_recovered');
    const code = await smsTo(JOHN, /access code is (\d+)/);
    expect(code).toMatch(/^\d{6}$/);
    const customer = await line.bank.getCustomer('CUS-0002');
    expect(customer?.phonebanking?.status).not.toBe('locked');
  });
});

describe('operation unlock', () => {
  it('sends an unlock code that releases the operation once', async () => {
    const r = await line.call(MARIA, UNLOCK, '2 2 1 12345678 40718253 4821 2580');
    expect(r.outcome).toBe('operation_unlocked');
    const code = await smsTo(MARIA, /operation 40718253: (\d+)/);
    const wrong = await line.post('/bank/ebanking/operations/40718253/unlock', { code: '00000000' });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(await line.post('/bank/ebanking/operations/40718253/unlock', { code })).toMatchObject({ status: 200, body: { status: 'unlocked' } });
    expect((await line.post('/bank/ebanking/operations/40718253/unlock', { code })).status).toBeGreaterThanOrEqual(400);
  });

  it('answers operation_not_found for an unknown or not blocked operation', async () => {
    const unknown = await line.call(MARIA, UNLOCK, '2 2 1 12345678 99999999 4821 2580');
    expect(unknown.outcome).toBe('operation_not_found');
    const pending = await line.call(MARIA, UNLOCK, '2 2 1 12345678 55102938 4821 2580');
    expect(pending.outcome).toBe('operation_not_found');
  });
});

describe('signature', () => {
  it('unlocks a blocked signature (Lucía, after a blocked card)', async () => {
    // 2468 is blocked: the generic answer, then the active card works.
    const r = await line.call(LUCIA, UNLOCK, '1 3 1 1 71593024 2468 3690 1122 9517');
    expect(prompts(r)).toContain('details_mismatch');
    expect(r.outcome).toBe('signature_unlocked');
    expect((await line.bank.getCustomer('CUS-0004'))?.signature.status).toBe('active');
  });

  it('reads the signing key, which signs its operation once, within 5 minutes, and no other', async () => {
    const r = await line.call(MARIA, UNLOCK, '2 3 2 1 12345678 55102938 4821 2580');
    expect(r.outcome).toBe('signing_key_read');
    const amount = r.events.find((e) => e.type === 'prompt' && e.id === 'signing_key_operation');
    expect(amount?.type === 'prompt' && amount.text).toContain('320.00');
    const key = keyOf(r);
    expect(key).toMatch(/^\d{8}$/);
    expect(r.events.filter((e) => e.type === 'prompt' && (e.id === 'signing_key' || e.id === 'signing_key_repeat'))).toHaveLength(2);

    expect((await line.post('/bank/ebanking/operations/40718253/sign', { code: key })).status).toBeGreaterThanOrEqual(400);
    expect(await line.post('/bank/ebanking/operations/55102938/sign', { code: key })).toMatchObject({ status: 200, body: { status: 'signed' } });
    expect((await line.post('/bank/ebanking/operations/55102938/sign', { code: key })).status).toBeGreaterThanOrEqual(400);

    const record = await line.api<CallRecord>(`/api/calls/${r.callId}`);
    expect(JSON.stringify(record)).not.toContain(key);
    expect(JSON.stringify(record)).not.toContain(key.split('').join(' '));
  });

  it('refuses a signing key after its 5 minutes', async () => {
    const r = await line.call(JOHN, UNLOCK, '2 3 2 2 0 1234567 61234570 1357 8642');
    expect(r.outcome).toBe('signing_key_read');
    (line.clock as JumpClock).jump(5 * 60_000 + 1000);
    const late = await line.post('/bank/ebanking/operations/61234570/sign', { code: keyOf(r) });
    expect(late.status).toBeGreaterThanOrEqual(400);
  });
});

describe('who may use it', () => {
  it('asks to call from the registered phone', async () => {
    const r = await line.call('+34699000000', UNLOCK, '1 1 1 1 12345678 4821 2580');
    expect(r.outcome).toBe('caller_not_registered');
    expect(prompts(r)).toContain('caller_not_registered');
    expect(r.events.filter((e) => e.type === 'keys').map((e) => (e.type === 'keys' ? e.value : '')).join('')).toBe('111112345678');
  });

  it('does not know an unknown document', async () => {
    expect((await line.call(MARIA, UNLOCK, '1 1 1 1 11111111')).outcome).toBe('customer_not_found');
  });

  it('sends CIF and passport holders to an agent', async () => {
    const r = await line.call('+34950555777', UNLOCK, '1 1 1 3');
    expect(r.outcome).toBe('transferred_to_agent');
    expect(r.events).toContainEqual({ type: 'transfer', target: 'sip:agents@127.0.0.1' });
  });

  it('gives one generic answer for a wrong PIN and ends after three', async () => {
    const r = await line.call(MARIA, UNLOCK, '1 1 1 1 12345678 4821 0000 4821 1111 9034 2580');
    expect(r.outcome).toBe('verification_failed');
    expect(prompts(r).filter((p) => p === 'details_mismatch')).toHaveLength(2);
    expect(prompts(r)).toContain('verification_failed');
  });
});

describe('conversation rules', () => {
  it('repeats on *, refuses an unknown option, and 0 reaches an agent', async () => {
    const r = await line.call(MARIA, UNLOCK, '1 * 9 0');
    expect(prompts(r).filter((p) => p === 'main_menu')).toHaveLength(3);
    expect(prompts(r)).toContain('invalid_option');
    expect(r.outcome).toBe('transferred_to_agent');
  });

  it('refuses a document number of the wrong length, then takes the right one', async () => {
    const r = await line.call(MARIA, UNLOCK, '1 1 1 1 1234567# 12345678 4821 2580');
    expect(prompts(r)).toContain('invalid_input');
    expect(r.outcome).toBe('ebanking_user_recovered');
  });

  it('enters the unlock line from e-banking support, option 4', async () => {
    const r = await line.call(JOHN, SUPPORT, '4 2 1 1 2 0 1234567 1357 8642');
    expect(prompts(r)[0]).toBe('support_menu');
    expect(r.outcome).toBe('ebanking_user_recovered');
  });

  it('records caller_hung_up when the caller leaves mid-call', async () => {
    const r = await line.call(MARIA, UNLOCK, '1 1');
    expect(r.outcome).toBe('caller_hung_up');
    expect(r.events.at(-1)).toEqual({ type: 'hangup', by: 'caller' });
  });

  it('lists calls newest first, filtered by caller and outcome', async () => {
    const calls = await line.api<CallRecord[]>(`/api/calls?from=${encodeURIComponent(MARIA)}&outcome=caller_hung_up`);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.caller === MARIA && c.outcome === 'caller_hung_up')).toBe(true);
    const all = await line.api<CallRecord[]>('/api/calls?limit=100');
    const times = all.map((c) => c.startedAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect((await fetch(`${line.url}/api/calls`)).status).toBe(401);
  });
});
