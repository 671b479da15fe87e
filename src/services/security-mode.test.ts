// Issue 6: what the security modes do to the services. Lockdown suspends
// self-service; heightened sends SMS secrets to an agent and signing keys to
// a call-back. A refused service asks the bank nothing and changes nothing.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MARIA } from './fake-bank.test-support.ts';
import { type ServicesFixture, servicesFixture, useTestDb } from './fixture.test-support.ts';
import { createServices, type SecurityModeName, type ServiceName, type ServiceRequest, type ServicesConfig, type Services } from './index.ts';

const db = useTestDb();

const ALL: [ServiceName, Partial<ServiceRequest>][] = [
  ['ebanking_recovery', {}],
  ['phonebanking_recovery', {}],
  ['operation_unlock', { reference: '40718253' }],
  ['signature_unlock', {}],
  ['signing_key', { reference: '55102938' }],
];

function req(service: ServiceName, extra: Partial<ServiceRequest> = {}): ServiceRequest {
  return { service, customerId: MARIA.id, callId: 'call-1', language: 'en', ...extra };
}

describe('services under a security mode', () => {
  let f: ServicesFixture;
  let mode: SecurityModeName;
  let services: Services;
  const make = (config: Partial<ServicesConfig> = {}) =>
    createServices({ db: f.db, bank: f.bank.port, outbox: f.outbox, clock: f.clock, dataKey: f.dataKey, config, securityMode: { current: () => ({ mode }) } });

  beforeEach(() => {
    f = servicesFixture(db());
    mode = 'normal';
    services = make();
  });

  async function expectNothingAsked(): Promise<void> {
    expect(f.bank.calls).toEqual([]);
    expect(f.bank.simChecks).toEqual([]);
    expect(await f.actionRows()).toEqual([]);
    expect(await f.outboxRows()).toEqual([]);
  }

  it.each(ALL)('lockdown suspends %s: self_service_suspended, without asking the bank anything', async (service, extra) => {
    mode = 'lockdown';
    const getCustomer = vi.spyOn(f.bank.port, 'getCustomer');
    expect(await services.run(req(service, extra))).toEqual({ outcome: 'self_service_suspended', suspended: 'lockdown' });
    expect(getCustomer).not.toHaveBeenCalled();
    await expectNothingAsked();
  });

  it.each(['ebanking_recovery', 'phonebanking_recovery'] as const)('heightened sends %s to an agent: no temporary password or code by SMS', async (service) => {
    mode = 'heightened';
    expect(await services.run(req(service))).toEqual({ outcome: 'self_service_suspended', suspended: 'agent_only' });
    await expectNothingAsked();
    expect(f.bank.customers[0]?.ebanking?.status).toBe('locked');
  });

  it('heightened issues no signing key on the inbound call: only a call-back to the registered mobile may deliver it', async () => {
    mode = 'heightened';
    expect(await services.run(req('signing_key', { reference: '55102938' }))).toEqual({ outcome: 'self_service_suspended', suspended: 'callback' });
    await expectNothingAsked();
  });

  it('heightened keeps the services that send no password: signature unlock and operation unlock run', async () => {
    mode = 'heightened';
    expect(await services.run(req('signature_unlock'))).toEqual({ outcome: 'signature_unlocked' });
    expect(await services.run(req('operation_unlock', { reference: '40718253' }))).toEqual({ outcome: 'operation_unlocked' });
    expect(f.bank.effects.map((e) => e.op)).toEqual(['unlockSignature', 'setOperationUnlockCode']);
  });

  it('lets a deployment send more services to an agent in heightened', async () => {
    mode = 'heightened';
    const strict = make({ heightenedAgentOnly: ['ebanking_recovery', 'phonebanking_recovery', 'operation_unlock'] });
    expect(await strict.run(req('operation_unlock', { reference: '40718253' }))).toEqual({ outcome: 'self_service_suspended', suspended: 'agent_only' });
    await expectNothingAsked();
  });

  it('reads the mode on every request: back to normal, the same service runs', async () => {
    mode = 'lockdown';
    expect((await services.run(req('ebanking_recovery'))).outcome).toBe('self_service_suspended');
    mode = 'normal';
    expect(await services.run(req('ebanking_recovery'))).toEqual({ outcome: 'ebanking_user_recovered' });
    expect(f.bank.effects).toHaveLength(1);
  });

  describe('with call-backs (a SIP trunk is configured)', () => {
    const scheduled: unknown[] = [];
    const withCallbacks = () =>
      createServices({
        db: f.db, bank: f.bank.port, outbox: f.outbox, clock: f.clock, dataKey: f.dataKey, securityMode: { current: () => ({ mode }) },
        callbacks: { schedule: (input) => (scheduled.push(input), Promise.resolve({ id: 'cb-1', created: true })) },
      });
    beforeEach(() => {
      scheduled.length = 0;
      mode = 'heightened';
    });

    it('heightened asks for a call-back to the registered mobile and issues no key now', async () => {
      expect(await withCallbacks().run(req('signing_key', { reference: '55102938' }))).toEqual({ outcome: 'signing_key_callback' });
      expect(scheduled).toEqual([{ customerId: MARIA.id, reference: '55102938', number: '+34600111222', language: 'en', sourceCallId: 'call-1' }]);
      expect(f.bank.effects).toEqual([]);
      expect(f.bank.simChecks).toHaveLength(1);
    });

    it('checks before promising a call: an operation not pending signature, or a SIM swapped lately, gets no call-back', async () => {
      expect(await withCallbacks().run(req('signing_key', { reference: '99999999' }))).toEqual({ outcome: 'operation_not_found' });
      f.bank.simSwapped.add(MARIA.id);
      expect(await withCallbacks().run(req('signing_key', { reference: '55102938' }))).toEqual({ outcome: 'sim_swap_risk' });
      expect(scheduled).toEqual([]);
    });

    it('the call-back itself reads the key in heightened, but not in lockdown', async () => {
      expect(await withCallbacks().run(req('signing_key', { reference: '55102938', origin: 'callback' }))).toMatchObject({ outcome: 'signing_key_read' });
      mode = 'lockdown';
      expect(await withCallbacks().run(req('signing_key', { reference: '55102938', origin: 'callback' }))).toEqual({ outcome: 'self_service_suspended', suspended: 'lockdown' });
      expect(scheduled).toEqual([]);
    });
  });

  it('is normal without a security mode port', async () => {
    expect(await f.services.run(req('signing_key', { reference: '55102938' }))).toMatchObject({ outcome: 'signing_key_read' });
  });
});
