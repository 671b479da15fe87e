import { beforeEach, describe, expect, it } from 'vitest';
import type { Queryable } from '../store/index.ts';
import { MARIA } from './fake-bank.test-support.ts';
import { type ServicesFixture, servicesFixture, useTestDb } from './fixture.test-support.ts';
import type { ServiceRequest, ServicesOutbox } from './index.ts';

const db = useTestDb();
const MINUTE = 60_000;

function req(service: ServiceRequest['service'], extra: Partial<ServiceRequest> = {}): ServiceRequest {
  return { service, customerId: MARIA.id, callId: 'call-1', language: 'es', ...extra };
}

const statuses = async (f: ServicesFixture) => (await f.outboxRows()).map((m) => m.status);

describe('nothing lost, nothing twice', () => {
  let f: ServicesFixture;
  beforeEach(() => {
    f = servicesFixture(db());
  });

  it('holds the messages while the bank call is in flight, and releases them once it confirms', async () => {
    const gate = f.bank.hold();
    const running = f.services.run(req('ebanking_recovery'));
    await gate.reached;
    expect(await statuses(f)).toEqual(['held', 'held']);
    expect(await f.actionRows()).toMatchObject([{ status: 'started' }]);
    // The secret is kept, sealed, for a retry until the action settles.
    expect((await f.actionRows())[0]?.secret_sealed).toMatch(/^v1\./);
    gate.open();
    expect(await running).toEqual({ outcome: 'ebanking_user_recovered' });
    expect(await statuses(f)).toEqual(['pending', 'pending']);
    expect(await f.actionRows()).toMatchObject([{ status: 'done', secret_sealed: null }]);
  });

  it('a bank refusal marks the action failed and cancels its messages, secrets wiped', async () => {
    f.bank.mode = { refuse: 'USER_NOT_FOUND' };
    expect(await f.services.run(req('ebanking_recovery'))).toEqual({ outcome: 'service_unavailable' });
    const rows = await f.outboxRows();
    expect(rows.map((m) => [m.status, m.secret_sealed])).toEqual([['cancelled', null], ['cancelled', null]]);
    expect(await f.actionRows()).toMatchObject([{ status: 'failed', last_error: 'USER_NOT_FOUND', secret_sealed: null }]);
    expect(f.bank.effects).toEqual([]);
  });

  it('an operation that changed before the code was stored answers operation_not_found, messages cancelled', async () => {
    f.bank.mode = { refuse: 'OPERATION_NOT_ELIGIBLE' };
    expect(await f.services.run(req('operation_unlock', { reference: '40718253' }))).toEqual({ outcome: 'operation_not_found' });
    expect(await statuses(f)).toEqual(['cancelled']);
    expect(await f.actionRows()).toMatchObject([{ status: 'failed', last_error: 'OPERATION_NOT_ELIGIBLE' }]);
  });

  it('bank unavailable: service_unavailable, the action stays started with its messages held', async () => {
    await startUnconfirmed(f, req('signature_unlock'));
    expect(await statuses(f)).toEqual(['held']);
    expect(await f.actionRows()).toMatchObject([{ status: 'started', last_error: 'BANK_UNAVAILABLE' }]);
  });

  it('reconcile after a lost bank answer confirms with the same key and secret, releasing exactly once', async () => {
    f.bank.mode = 'lose_answer';
    expect(await f.services.run(req('ebanking_recovery'))).toEqual({ outcome: 'service_unavailable', unavailable: 'bank' });
    expect(await statuses(f)).toEqual(['held', 'held']);
    f.bank.mode = 'ok';
    expect(await f.services.reconcile()).toEqual({ done: 1, failed: 0, cancelled: 0, pending: 0 });
    expect(f.bank.calls).toHaveLength(2);
    expect(f.bank.calls[1]).toEqual(f.bank.calls[0]);
    expect(f.bank.effects).toHaveLength(1);
    expect(await statuses(f)).toEqual(['pending', 'pending']);
    const sms = (await f.outboxRows()).find((m) => m.channel === 'sms');
    expect(await f.messageSecret(sms?.id ?? '')).toBe(f.bank.effects[0]?.secret);
    expect(await f.actionRows()).toMatchObject([{ status: 'done', attempts: 2, secret_sealed: null }]);
    // Nothing left to do: a second reconcile touches nothing.
    expect(await f.services.reconcile()).toEqual({ done: 0, failed: 0, cancelled: 0, pending: 0 });
    expect(f.bank.calls).toHaveLength(2);
  });

  it('reconcile after a crash between the bank call and step 3 releases exactly once', async () => {
    // The process "dies" in step 3: its transaction never commits.
    let crash = true;
    const crashing: ServicesOutbox = {
      enqueue: (tx, m) => f.outbox.enqueue(tx, m),
      cancel: (tx, ids, reason) => f.outbox.cancel(tx, ids, reason),
      release: (tx: Queryable, ids: string[]) => (crash ? Promise.reject(new Error('process died')) : f.outbox.release(tx, ids)),
    };
    await expect(f.make(crashing).run(req('operation_unlock', { reference: '40718253' }))).rejects.toThrow('process died');
    expect(f.bank.effects).toHaveLength(1);
    expect(await statuses(f)).toEqual(['held']);
    expect(await f.actionRows()).toMatchObject([{ status: 'started' }]);

    // A restarted process: the dead one's lease must run out first.
    crash = false;
    const restarted = f.make();
    expect(await restarted.reconcile()).toEqual({ done: 0, failed: 0, cancelled: 0, pending: 0 });
    await f.clock.advance(MINUTE);
    expect(await restarted.reconcile()).toEqual({ done: 1, failed: 0, cancelled: 0, pending: 0 });
    expect(f.bank.calls.map((c) => c.idempotencyKey)).toEqual([f.bank.effects[0]?.idempotencyKey, f.bank.effects[0]?.idempotencyKey]);
    expect(f.bank.effects).toHaveLength(1);
    expect(await statuses(f)).toEqual(['pending']);
    expect(await restarted.reconcile()).toEqual({ done: 0, failed: 0, cancelled: 0, pending: 0 });
  });

  it('reconcile cancels when the bank refuses the retry', async () => {
    await startUnconfirmed(f, req('phonebanking_recovery'));
    f.bank.mode = { refuse: 'USER_NOT_FOUND' };
    expect(await f.services.reconcile()).toEqual({ done: 0, failed: 1, cancelled: 0, pending: 0 });
    expect(await statuses(f)).toEqual(['cancelled', 'cancelled']);
    expect(await f.actionRows()).toMatchObject([{ status: 'failed', secret_sealed: null }]);
  });

  it('reconcile leaves an unconfirmed action for later, then gives it up after 10 minutes', async () => {
    await startUnconfirmed(f, req('signature_unlock'));
    expect(await f.services.reconcile()).toEqual({ done: 0, failed: 0, cancelled: 0, pending: 1 });
    expect(await statuses(f)).toEqual(['held']);
    // Under its new lease the action is not retried at once.
    expect(await f.services.reconcile()).toEqual({ done: 0, failed: 0, cancelled: 0, pending: 0 });
    await f.clock.advance(10 * MINUTE);
    expect(await f.services.reconcile()).toEqual({ done: 0, failed: 0, cancelled: 1, pending: 0 });
    expect(await statuses(f)).toEqual(['cancelled']);
    expect(await f.actionRows()).toMatchObject([{ status: 'cancelled', attempts: 3 }]);
    expect(f.bank.effects).toEqual([]);
  });

  it('reconcile never gives up on a change whose secret is still valid: the bank may have made it', async () => {
    await startUnconfirmed(f, req('ebanking_recovery'));
    for (let i = 0; i < 3; i++) {
      await f.clock.advance(10 * MINUTE);
      expect(await f.services.reconcile()).toEqual({ done: 0, failed: 0, cancelled: 0, pending: 1 });
    }
    expect(await statuses(f)).toEqual(['held', 'held']);
    f.bank.mode = 'ok';
    await f.clock.advance(2 * MINUTE);
    expect(await f.services.reconcile()).toEqual({ done: 1, failed: 0, cancelled: 0, pending: 0 });
    expect((await statuses(f)).sort()).toEqual(['pending', 'pending']);
    expect(f.bank.effects).toHaveLength(1);
  });

  it('reconcile cancels without asking the bank once the secret has expired', async () => {
    const g = servicesFixture(db(), { unlockCodeMinutes: 5 });
    await startUnconfirmed(g, req('operation_unlock', { reference: '40718253' }));
    const asked = g.bank.calls.length;
    await g.clock.advance(5 * MINUTE);
    g.bank.mode = 'ok';
    expect(await g.services.reconcile()).toEqual({ done: 0, failed: 0, cancelled: 1, pending: 0 });
    expect(g.bank.calls).toHaveLength(asked);
    expect((await g.outboxRows()).map((m) => [m.status, m.secret_sealed])).toEqual([['cancelled', null]]);
  });

  it('reconcile does not touch an action a live call is still working on', async () => {
    const gate = f.bank.hold();
    const running = f.services.run(req('signature_unlock'));
    await gate.reached;
    expect(await f.make().reconcile()).toEqual({ done: 0, failed: 0, cancelled: 0, pending: 0 });
    gate.open();
    expect(await running).toEqual({ outcome: 'signature_unlocked' });
    expect(f.bank.calls).toHaveLength(1);
    expect(await statuses(f)).toEqual(['pending']);
  });

  it('a failure inside step 1 rolls everything back: no action, no message, no bank call', async () => {
    // An address the outbox refuses makes enqueue throw inside the transaction, after the action row was written.
    Object.assign(f.bank.customers[0] ?? {}, { email: 'not an address' });
    await expect(f.services.run(req('ebanking_recovery'))).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    expect(await f.actionRows()).toEqual([]);
    expect(await f.outboxRows()).toEqual([]);
    expect(f.bank.calls).toEqual([]);
  });

  it('a bug in the bank adapter propagates and leaves the action for reconcile', async () => {
    const bug = new TypeError('adapter bug');
    const working = f.bank.port.unlockSignature.bind(f.bank.port);
    f.bank.port.unlockSignature = () => Promise.reject(bug);
    await expect(f.services.run(req('signature_unlock'))).rejects.toBe(bug);
    expect(await f.actionRows()).toMatchObject([{ status: 'started', last_error: 'UNEXPECTED' }]);
    f.bank.port.unlockSignature = working;
    expect(await f.services.reconcile()).toEqual({ done: 1, failed: 0, cancelled: 0, pending: 0 });
    expect(await statuses(f)).toEqual(['pending']);
  });

  it('never stores a secret in clear', async () => {
    f.bank.mode = 'lose_answer';
    await f.services.run(req('ebanking_recovery'));
    await f.services.run(req('operation_unlock', { reference: '40718253' }));
    const dump = JSON.stringify([await db().query('SELECT * FROM services_actions'), await db().query('SELECT * FROM notify_outbox')]);
    expect(f.bank.effects).toHaveLength(2);
    for (const effect of f.bank.effects) expect(dump).not.toContain(effect.secret);
  });
});

/** Runs a service whose bank change stays unconfirmed: the bank goes down after the customer was read. */
async function startUnconfirmed(f: ServicesFixture, r: ServiceRequest): Promise<void> {
  const gate = f.bank.hold();
  const running = f.services.run(r);
  await gate.reached;
  f.bank.mode = 'unavailable';
  gate.open();
  expect(await running).toEqual({ outcome: 'service_unavailable', unavailable: 'bank' });
  expect(await f.actionRows()).toMatchObject([{ status: 'started' }]);
}
