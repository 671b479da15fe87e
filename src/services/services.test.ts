import { beforeEach, describe, expect, it } from 'vitest';
import { type ServicesFixture, servicesFixture, useTestDb } from './fixture.test-support.ts';
import { MARIA } from './fake-bank.test-support.ts';
import type { ServiceRequest } from './index.ts';

const db = useTestDb();
const MINUTE = 60_000;

function req(service: ServiceRequest['service'], extra: Partial<ServiceRequest> = {}): ServiceRequest {
  return { service, customerId: MARIA.id, callId: 'call-1', language: 'en', ...extra };
}

describe('services', () => {
  let f: ServicesFixture;
  beforeEach(() => {
    f = servicesFixture(db());
  });

  async function expectNothingChanged(): Promise<void> {
    expect(f.bank.calls).toEqual([]);
    expect(await f.actionRows()).toEqual([]);
    expect(await f.outboxRows()).toEqual([]);
  }

  describe('e-banking recovery', () => {
    it('resets the user at the bank, sends the user name by e-mail and the temporary password by SMS', async () => {
      expect(await f.services.run(req('ebanking_recovery'))).toEqual({ outcome: 'ebanking_user_recovered' });

      expect(f.bank.effects).toHaveLength(1);
      const effect = f.bank.effects[0];
      expect(effect).toMatchObject({ op: 'resetEbankingUser', customerId: MARIA.id, expiresAt: new Date(f.clock.now() + 60 * MINUTE) });
      expect(effect?.secret).toMatch(/^[2-9a-zA-Z]{10}$/);
      expect(f.bank.simChecks).toEqual([{ customerId: MARIA.id, mobile: MARIA.mobile, withinHours: 240 }]);

      const [email, sms] = await f.outboxRows();
      expect(email).toMatchObject({
        channel: 'email', recipient: MARIA.email, template: 'ebanking_username', requested_language: 'en', status: 'pending',
        secret_sealed: null, correlation_id: 'call-1', customer_id: MARIA.id,
      });
      expect(email?.body).toContain('mgarcia');
      expect(email?.body).toContain(MARIA.name);
      expect(sms).toMatchObject({
        channel: 'sms', recipient: MARIA.mobile, template: 'ebanking_temporary_password', requested_language: 'en', status: 'pending',
        expires_at: new Date(f.clock.now() + 60 * MINUTE),
      });
      expect(sms?.body).toContain('60 min');
      // The SMS carries the very secret the bank was given, and the e-mail does not.
      expect(await f.messageSecret(sms?.id ?? '')).toBe(effect?.secret);
      expect(email?.body).not.toContain(effect?.secret);

      const [action] = await f.actionRows();
      expect(action).toMatchObject({ kind: 'ebanking_recovery', status: 'done', secret_sealed: null, call_id: 'call-1', attempts: 1 });
      expect(action?.message_ids.sort()).toEqual([email?.id, sms?.id].sort());
      expect(action?.id).toBe(effect?.idempotencyKey);
    });

    it.each([
      ['e-mail', { email: null }],
      ['mobile', { mobile: null }],
    ])('answers contact_details_missing without the %s, changing nothing', async (_what, missing) => {
      Object.assign(f.bank.customers[0] ?? {}, missing);
      expect(await f.services.run(req('ebanking_recovery'))).toEqual({ outcome: 'contact_details_missing' });
      await expectNothingChanged();
      expect(f.bank.simChecks).toEqual([]);
    });

    it('answers sim_swap_risk after a recent SIM change, sending and changing nothing', async () => {
      f.bank.simSwapped.add(MARIA.id);
      expect(await f.services.run(req('ebanking_recovery'))).toEqual({ outcome: 'sim_swap_risk' });
      await expectNothingChanged();
    });

    it.each(['sms', 'email'] as const)('does not start the recovery while the %s channel is down: it says so, changing nothing', async (channel) => {
      f.down.add(channel);
      expect(await f.services.run(req('ebanking_recovery'))).toEqual({ outcome: 'service_unavailable', unavailable: channel });
      await expectNothingChanged();
    });

    it('answers service_unavailable when the customer has no e-banking user', async () => {
      const maria = f.bank.customers[0];
      if (maria) maria.ebanking = null;
      expect(await f.services.run(req('ebanking_recovery'))).toEqual({ outcome: 'service_unavailable' });
      await expectNothingChanged();
    });

    it('honours the configured password lifetime and SIM-swap window', async () => {
      const g = servicesFixture(db(), { temporaryPasswordMinutes: 30, simSwapWindowHours: 72 });
      await g.services.run(req('ebanking_recovery'));
      expect(g.bank.simChecks[0]?.withinHours).toBe(72);
      expect(g.bank.effects[0]?.expiresAt).toEqual(new Date(g.clock.now() + 30 * MINUTE));
      const sms = (await g.outboxRows()).find((m) => m.channel === 'sms');
      expect(sms?.body).toContain('30 min');
    });
  });

  describe('phone-banking recovery', () => {
    it('resets the user with a 6-digit access code by SMS and the user name by e-mail', async () => {
      expect(await f.services.run(req('phonebanking_recovery', { language: 'es' }))).toEqual({ outcome: 'phonebanking_user_recovered' });
      const effect = f.bank.effects[0];
      expect(effect).toMatchObject({ op: 'resetPhonebankingUser', expiresAt: new Date(f.clock.now() + 60 * MINUTE) });
      expect(effect?.secret).toMatch(/^\d{6}$/);
      const [email, sms] = await f.outboxRows();
      expect(email).toMatchObject({ template: 'phonebanking_username', requested_language: 'es', status: 'pending' });
      expect(email?.body).toContain('12345678');
      expect(sms).toMatchObject({ template: 'phonebanking_access_code', requested_language: 'es', status: 'pending' });
      expect(await f.messageSecret(sms?.id ?? '')).toBe(effect?.secret);
    });

    it('answers contact_details_missing without an e-mail address', async () => {
      Object.assign(f.bank.customers[0] ?? {}, { email: null });
      expect(await f.services.run(req('phonebanking_recovery'))).toEqual({ outcome: 'contact_details_missing' });
      await expectNothingChanged();
    });
  });

  describe('operation unlock', () => {
    it('stores an 8-digit unlock code at the bank and sends it by SMS with the reference', async () => {
      expect(await f.services.run(req('operation_unlock', { reference: '40718253' }))).toEqual({ outcome: 'operation_unlocked' });
      const effect = f.bank.effects[0];
      expect(effect).toMatchObject({ op: 'setOperationUnlockCode', reference: '40718253', expiresAt: new Date(f.clock.now() + 15 * MINUTE) });
      expect(effect?.secret).toMatch(/^\d{8}$/);
      const rows = await f.outboxRows();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ channel: 'sms', template: 'operation_unlock_code', status: 'pending', recipient: MARIA.mobile });
      expect(rows[0]?.body).toContain('40718253');
      expect(rows[0]?.body).toContain('15 min');
      expect(await f.messageSecret(rows[0]?.id ?? '')).toBe(effect?.secret);
      expect((await f.actionRows())[0]).toMatchObject({ kind: 'operation_unlock', reference: '40718253', status: 'done' });
    });

    it.each([
      ['an unknown reference', '99999999'],
      ['an operation pending signature, not blocked', '55102938'],
      ["another customer's operation", '70011223'],
      ['no reference', undefined],
    ])('answers operation_not_found for %s, changing nothing', async (_what, reference) => {
      const r = req('operation_unlock', reference === undefined ? {} : { reference });
      expect(await f.services.run(r)).toEqual({ outcome: 'operation_not_found' });
      await expectNothingChanged();
    });

    it('needs the mobile, but not the e-mail', async () => {
      Object.assign(f.bank.customers[0] ?? {}, { email: null });
      expect(await f.services.run(req('operation_unlock', { reference: '40718253' }))).toEqual({ outcome: 'operation_unlocked' });
      Object.assign(f.bank.customers[0] ?? {}, { mobile: null });
      expect(await f.services.run(req('operation_unlock', { reference: '40718253' }))).toEqual({ outcome: 'contact_details_missing' });
    });

    it('answers sim_swap_risk after a recent SIM change', async () => {
      f.bank.simSwapped.add(MARIA.id);
      expect(await f.services.run(req('operation_unlock', { reference: '40718253' }))).toEqual({ outcome: 'sim_swap_risk' });
      await expectNothingChanged();
    });
  });

  describe('signature unlock', () => {
    it('unlocks the signature and sends an SMS notice without a secret', async () => {
      expect(await f.services.run(req('signature_unlock'))).toEqual({ outcome: 'signature_unlocked' });
      expect(f.bank.effects).toMatchObject([{ op: 'unlockSignature', customerId: MARIA.id }]);
      expect(f.bank.customers[0]?.signature.status).toBe('active');
      const rows = await f.outboxRows();
      expect(rows).toMatchObject([{ channel: 'sms', template: 'signature_unlocked', status: 'pending', secret_sealed: null, expires_at: null }]);
      // No secret goes out, so no SIM-swap check is needed.
      expect(f.bank.simChecks).toEqual([]);
    });

    it('answers contact_details_missing without a mobile for the notice', async () => {
      Object.assign(f.bank.customers[0] ?? {}, { mobile: null });
      expect(await f.services.run(req('signature_unlock'))).toEqual({ outcome: 'contact_details_missing' });
      await expectNothingChanged();
    });
  });

  describe('signing key', () => {
    it('issues a key bound to the operation, for the line to read, and sends nothing', async () => {
      const result = await f.services.run(req('signing_key', { reference: '55102938' }));
      expect(result).toMatchObject({
        outcome: 'signing_key_read',
        expiresAt: new Date('2026-01-01T09:05:00Z'),
        operation: { reference: '55102938', amount: '320.00', currency: 'EUR', payee: 'ES79 2100 0813 6101 2345 6789' },
      });
      expect(result.outcome === 'signing_key_read' && result.key.reveal()).toBe('83920174');
      // The key never shows when the result is logged or serialised.
      expect(JSON.stringify(result)).not.toContain('83920174');
      expect(f.bank.calls).toMatchObject([{ op: 'issueSigningKey', reference: '55102938', lifetimeMs: 5 * MINUTE }]);
      expect(await f.outboxRows()).toEqual([]);
      expect(await f.actionRows()).toEqual([]);
    });

    it.each([
      ['a blocked operation', '40718253'],
      ['an unknown reference', '12121212'],
      ['no reference', undefined],
    ])('answers operation_not_found for %s', async (_what, reference) => {
      const r = req('signing_key', reference === undefined ? {} : { reference });
      expect(await f.services.run(r)).toEqual({ outcome: 'operation_not_found' });
      expect(f.bank.calls).toEqual([]);
    });

    it('answers operation_not_found when the operation changed before the key was issued', async () => {
      f.bank.mode = { refuse: 'OPERATION_NOT_ELIGIBLE' };
      expect(await f.services.run(req('signing_key', { reference: '55102938' }))).toEqual({ outcome: 'operation_not_found' });
    });

    it('answers sim_swap_risk after a recent SIM change', async () => {
      f.bank.simSwapped.add(MARIA.id);
      expect(await f.services.run(req('signing_key', { reference: '55102938' }))).toEqual({ outcome: 'sim_swap_risk' });
      expect(f.bank.calls).toEqual([]);
    });

    it('answers service_unavailable when the bank is down', async () => {
      f.bank.mode = 'unavailable';
      expect(await f.services.run(req('signing_key', { reference: '55102938' }))).toEqual({ outcome: 'service_unavailable', unavailable: 'bank' });
    });
  });

  it('answers service_unavailable when the bank cannot even be asked for the customer', async () => {
    f.bank.mode = 'unavailable';
    expect(await f.services.run(req('ebanking_recovery'))).toEqual({ outcome: 'service_unavailable', unavailable: 'bank' });
    await expectNothingChanged();
  });

  it('refuses an unknown customer with CUSTOMER_NOT_FOUND', async () => {
    await expect(f.services.run(req('signature_unlock', { customerId: 'CUS-9999' }))).rejects.toMatchObject({ code: 'CUSTOMER_NOT_FOUND' });
    await expectNothingChanged();
  });

  it('refuses an unknown service with INVALID_ARGUMENT', async () => {
    const bad = { ...req('signature_unlock'), service: 'coffee' } as unknown as ServiceRequest;
    await expect(f.services.run(bad)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expectNothingChanged();
  });
});
