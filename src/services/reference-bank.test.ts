// Integration: identity and services against the embedded reference bank
// loaded with the demo dataset, the real outbox, its worker and the
// development mailbox standing for the customers' phones and inboxes.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BankPort, createReferenceBank, type ReferenceBank, importDataset } from '../bank/index.ts';
import { createIdentity, dniFromDigits, type Identity, nieFromKeys } from '../identity/index.ts';
import { createOutbox, createOutboxWorker, DevMailbox, type OutboxWorker } from '../notify/index.ts';
import { ClaveError, Sensitive, SimulatedClock } from '../shared/index.ts';
import { type Db, migrate, openPglite } from '../store/index.ts';
import { createServices, type ServiceRequest, type Services } from './index.ts';

const DEMO = fileURLToPath(new URL('../../datasets/demo-bank.json', import.meta.url));
const HOUR = 3_600_000;

let db: Db;
let clock: SimulatedClock;
let bank: ReferenceBank;
let identity: Identity;
let services: Services;
let mailbox: DevMailbox;
let worker: OutboxWorker;
let make: (bank: BankPort) => Services;

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  clock = new SimulatedClock(Date.parse('2026-03-02T10:00:00Z'));
  const keys = { zpk: randomBytes(16), pvk: randomBytes(16), pvki: 1, secretKey: randomBytes(32) };
  const dataKey = randomBytes(32);
  const dataset = JSON.parse(readFileSync(DEMO, 'utf8')) as { customers: { id: string; mobileSimChangedAt: string | null }[] };
  // Giulia's SIM changed yesterday.
  for (const c of dataset.customers) if (c.id === 'CUS-0005') c.mobileSimChangedAt = new Date(clock.now() - 24 * HOUR).toISOString();
  await importDataset(db, dataset, { pvk: keys.pvk, pvki: keys.pvki, clock });
  const outbox = createOutbox({ clock, dataKey });
  bank = createReferenceBank({ db, clock, keys, notifier: outbox });
  identity = createIdentity({ db, bank, clock, zpk: keys.zpk, limits: { minAnswerMs: 0 } });
  make = (b) => createServices({ db, bank: b, outbox, clock, dataKey });
  services = make(bank);
  mailbox = new DevMailbox({ clock });
  worker = createOutboxWorker({ db, outbox, clock, dataKey, channels: { sms: mailbox, email: mailbox } });
}, 60_000);
afterAll(async () => {
  await worker.stop();
  await db.close();
});

async function deliverAll(): Promise<void> {
  while ((await worker.runOnce()) > 0);
}

function lastText(to: string, channel: 'sms' | 'email'): string {
  return mailbox.list({ to, channel }).at(-1)?.text ?? '';
}

function req(service: ServiceRequest['service'], customerId: string, extra: Partial<ServiceRequest> = {}): ServiceRequest {
  return { service, customerId, callId: `call-${service}-${customerId}`, language: 'es', ...extra };
}

describe('against the reference bank with the demo dataset', () => {
  it('María recovers her e-banking user and logs in with the temporary password from the SMS', async () => {
    const who = await identity.identify({ document: { type: 'DNI', number: dniFromDigits('12345678') ?? '' }, callerId: '600111222' });
    expect(who).toMatchObject({ kind: 'identified', customer: { id: 'CUS-0001', name: 'María García López' } });
    expect(await identity.verifyCard({ customerId: 'CUS-0001', callId: 'c1', cardLast4: '4821', pin: new Sensitive('2580') })).toBe('verified');

    expect(await services.run(req('ebanking_recovery', 'CUS-0001'))).toEqual({ outcome: 'ebanking_user_recovered' });
    await deliverAll();
    expect(lastText('maria.garcia@example.es', 'email')).toContain('mgarcia');
    const sms = lastText('+34600111222', 'sms');
    const password = /banca online es (\S+) y caduca en 60 min/.exec(sms)?.[1] ?? '';
    expect(password).toHaveLength(10);
    expect(lastText('maria.garcia@example.es', 'email')).not.toContain(password);
    expect(await bank.ebanking.login('mgarcia', new Sensitive(password))).toEqual({ ok: true, status: 'password_change_required' });
  });

  it('María releases her blocked operation with the unlock code from the SMS', async () => {
    expect(await services.run(req('operation_unlock', 'CUS-0001', { reference: '40718253' }))).toEqual({ outcome: 'operation_unlocked' });
    await deliverAll();
    const code = /operacion 40718253, escribe en tu banca online la clave (\d+)\. Caduca en 15 min/.exec(lastText('+34600111222', 'sms'))?.[1] ?? '';
    expect(code).toMatch(/^\d{8}$/);
    expect(await bank.ebanking.unlockOperation('40718253', new Sensitive(code))).toEqual({ ok: true, status: 'unlocked' });
    // Now it is no longer blocked: a second unlock finds nothing to unlock.
    expect(await services.run(req('operation_unlock', 'CUS-0001', { reference: '40718253' }))).toEqual({ outcome: 'operation_not_found' });
  });

  it('María hears the signing key and the operation, and signs with it', async () => {
    const result = await services.run(req('signing_key', 'CUS-0001', { reference: '55102938' }));
    expect(result).toMatchObject({ outcome: 'signing_key_read', operation: { reference: '55102938', amount: '320.00', currency: 'EUR' } });
    if (result.outcome !== 'signing_key_read') throw new Error('no key');
    expect(result.expiresAt).toEqual(new Date(clock.now() + 5 * 60_000));
    expect(await bank.ebanking.signOperation('55102938', result.key)).toEqual({ ok: true, status: 'signed' });
  });

  it('María unlocks her signature and is told by SMS', async () => {
    expect((await bank.getCustomer('CUS-0001'))?.signature.status).toBe('blocked');
    expect(await services.run(req('signature_unlock', 'CUS-0001'))).toEqual({ outcome: 'signature_unlocked' });
    expect((await bank.getCustomer('CUS-0001'))?.signature.status).toBe('active');
    await deliverAll();
    expect(lastText('+34600111222', 'sms')).toMatch(/^Tu firma de operaciones ha sido desbloqueada/);
  });

  it('John (NIE) recovers phone banking though the first answer was lost; reconcile repeats the same request once', async () => {
    const nie = nieFromKeys('0', '1234567');
    expect(await identity.identify({ document: { type: 'NIE', number: nie ?? '' }, callerId: '+34611222333' })).toMatchObject({
      kind: 'identified',
    });
    let lose = true;
    const flaky: BankPort = {
      ...bank,
      async resetPhonebankingUser(r, o) {
        const answer = await bank.resetPhonebankingUser(r, o);
        if (lose) throw new ClaveError('BANK_UNAVAILABLE', 'answer lost');
        return answer;
      },
    };
    expect(await make(flaky).run(req('phonebanking_recovery', 'CUS-0002', { language: 'en' }))).toEqual({ outcome: 'service_unavailable', unavailable: 'bank' });
    expect((await bank.getCustomer('CUS-0002'))?.phonebanking?.status).toBe('password_change_required');
    await deliverAll();
    expect(mailbox.list({ to: '+34611222333' })).toEqual([]);

    lose = false;
    // The reference bank refuses a repeated key with a different secret, so "done" proves the secret was the same.
    expect(await make(flaky).reconcile()).toEqual({ done: 1, failed: 0, cancelled: 0, pending: 0 });
    await deliverAll();
    expect(mailbox.list({ to: '+34611222333', channel: 'sms' })).toHaveLength(1);
    expect(lastText('+34611222333', 'sms')).toMatch(/access code is \d{6}\b/);
    expect(lastText('john.smith@example.com', 'email')).toContain('X1234567');
  });

  it('refuses Antonio (no e-mail) and Giulia (SIM swapped yesterday) without changing anything', async () => {
    expect(await services.run(req('ebanking_recovery', 'CUS-0003'))).toEqual({ outcome: 'contact_details_missing' });
    expect(await services.run(req('ebanking_recovery', 'CUS-0005'))).toEqual({ outcome: 'sim_swap_risk' });
    expect((await bank.getCustomer('CUS-0003'))?.ebanking?.status).toBe('locked');
    expect((await bank.getCustomer('CUS-0005'))?.ebanking?.status).toBe('locked');
    // Someone else's operation is not found.
    expect(await services.run(req('operation_unlock', 'CUS-0001', { reference: '70011223' }))).toEqual({ outcome: 'operation_not_found' });
    const rows = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM services_actions WHERE customer_id IN ('CUS-0003', 'CUS-0005')`,
    );
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('locks Lucía after 5 failed verifications; her blocked card fails even with its PIN', async () => {
    const lucia = { customerId: 'CUS-0004', callId: 'c-lucia' };
    expect(await identity.verifyCard({ ...lucia, cardLast4: '2468', pin: new Sensitive('3690') })).toBe('failed');
    expect(await identity.verifyCard({ ...lucia, cardLast4: '1122', pin: new Sensitive('9517') })).toBe('verified');
    for (let i = 0; i < 3; i++) expect(await identity.verifyCard({ ...lucia, cardLast4: '1122', pin: new Sensitive('0000') })).toBe('failed');
    expect(await identity.verifyCard({ ...lucia, cardLast4: '1122', pin: new Sensitive('0000') })).toBe('locked');
    expect(await identity.verifyCard({ ...lucia, cardLast4: '1122', pin: new Sensitive('9517') })).toBe('locked');
    expect(await identity.identify({ document: { type: 'DNI', number: '71593024G' }, callerId: '+34633444555' })).toEqual({
      kind: 'verification_locked',
      until: new Date(clock.now() + 24 * HOUR),
    });
  });
});
