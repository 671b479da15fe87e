// Issue 6: the services on the reference bank behind the drill and the
// resilient wrapper (drill → resilient → services, as composed in main):
// a dead bank answers service_unavailable within the deadline and changes
// nothing; a change whose answer came too late is reconciled afterwards,
// done once, its messages released once.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BankPort, createDrillableBank, createReferenceBank, createResilientBank, type DrillableBank, importDataset, type ReferenceBank,
  type ResilientBank,
} from '../bank/index.ts';
import { createOutbox, createOutboxWorker, DevMailbox, type NotifyOutbox, type OutboxWorker } from '../notify/index.ts';
import { Sensitive, SimulatedClock } from '../shared/index.ts';
import { type Db, migrate, openPglite } from '../store/index.ts';
import { createServices, type ServiceRequest, type ServiceResult, type Services } from './index.ts';

const DEMO = fileURLToPath(new URL('../../datasets/demo-bank.json', import.meta.url));
const DEADLINE_MS = 3000;

let db: Db;
let clock: SimulatedClock;
let reference: ReferenceBank;
let outbox: NotifyOutbox;
let dataKey: Buffer;
let mailbox: DevMailbox;
let worker: OutboxWorker;

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  clock = new SimulatedClock(Date.parse('2026-03-02T10:00:00Z'));
  const keys = { zpk: randomBytes(16), pvk: randomBytes(16), pvki: 1, secretKey: randomBytes(32) };
  dataKey = randomBytes(32);
  await importDataset(db, JSON.parse(readFileSync(DEMO, 'utf8')) as unknown, { pvk: keys.pvk, pvki: keys.pvki, clock });
  outbox = createOutbox({ clock, dataKey });
  reference = createReferenceBank({ db, clock, keys, notifier: outbox });
  mailbox = new DevMailbox({ clock });
  worker = createOutboxWorker({ db, outbox, clock, dataKey, channels: { sms: mailbox, email: mailbox } });
}, 60_000);
afterAll(async () => {
  await worker.stop();
  await db.close();
});

interface Stack {
  drillable: DrillableBank;
  resilient: ResilientBank;
  services: Services;
}

type ChangeMethod = 'resetEbankingUser' | 'resetPhonebankingUser';

/**
 * The composition of main: reference → drill → resilient → services. With
 * `slowFrom`, the drill turns slow (once) just as that change is asked, so
 * the look-ups before it answer in time.
 */
function stack(opts: { beneath?: BankPort; slowFrom?: ChangeMethod } = {}): Stack {
  const drillable = createDrillableBank(opts.beneath ?? reference, { clock, token: 'drill-token' });
  const resilient = createResilientBank(opts.slowFrom ? slowFrom(drillable, opts.slowFrom) : drillable.bank, { clock, deadlineMs: DEADLINE_MS });
  return { drillable, resilient, services: createServices({ db, bank: resilient, outbox, clock, dataKey }) };
}

function slowFrom(d: DrillableBank, method: ChangeMethod): BankPort {
  let flipped = false;
  const flip = () => {
    if (!flipped) d.drill.set('slow', 5000);
    flipped = true;
  };
  return method === 'resetEbankingUser'
    ? { ...d.bank, resetEbankingUser: (r, o) => (flip(), d.bank.resetEbankingUser(r, o)) }
    : { ...d.bank, resetPhonebankingUser: (r, o) => (flip(), d.bank.resetPhonebankingUser(r, o)) };
}

/** The reference bank, telling when the change has been made in it. */
function changeSeen(method: ChangeMethod): { port: BankPort; done: Promise<void> } {
  let seen!: () => void;
  const done = new Promise<void>((resolve) => (seen = resolve));
  const after = <T>(answer: T) => (seen(), answer);
  const port: BankPort =
    method === 'resetEbankingUser'
      ? { ...reference, resetEbankingUser: async (r, o) => after(await reference.resetEbankingUser(r, o)) }
      : { ...reference, resetPhonebankingUser: async (r, o) => after(await reference.resetPhonebankingUser(r, o)) };
  return { port, done };
}

function req(service: ServiceRequest['service'], customerId: string, language = 'es'): ServiceRequest {
  return { service, customerId, callId: `call-${service}-${customerId}`, language };
}

function watch(p: Promise<ServiceResult>) {
  const seen: { result: ServiceResult | null; error: unknown } = { result: null, error: null };
  p.then(
    (r) => (seen.result = r),
    (err: unknown) => (seen.error = err),
  );
  return seen;
}

async function deliverAll(): Promise<void> {
  while ((await worker.runOnce()) > 0);
}

async function rows(customerId: string) {
  const actions = await db.query<{ status: string; last_error: string | null; attempts: number }>(
    'SELECT status, last_error, attempts FROM services_actions WHERE customer_id = $1',
    [customerId],
  );
  const messages = await db.query<{ channel: string; status: string }>(
    'SELECT channel, status FROM notify_outbox WHERE customer_id = $1 ORDER BY channel',
    [customerId],
  );
  return { actions, messages };
}

describe('the bank down, slow or cut off mid-change', () => {
  it('down: an e-banking recovery answers service_unavailable at the deadline and changes nothing; then at once', async () => {
    const { drillable, resilient, services } = stack();
    drillable.drill.set('down');
    for (let i = 0; i < 3; i++) {
      const run = watch(services.run(req('ebanking_recovery', 'CUS-0001')));
      await clock.advance(DEADLINE_MS - 1);
      expect(run.result).toBeNull();
      await clock.advance(1);
      expect(run.result).toEqual({ outcome: 'service_unavailable', unavailable: 'bank' });
    }
    // Three calls that got no answer opened the circuit: the next caller hears it with no wait.
    expect(resilient.health()).toMatchObject({ available: false, circuit: 'open' });
    expect(await services.run(req('ebanking_recovery', 'CUS-0001'))).toEqual({ outcome: 'service_unavailable', unavailable: 'bank' });
    expect(clock.pending).toBe(0);

    expect((await reference.getCustomer('CUS-0001'))?.ebanking?.status).toBe('locked');
    expect(await rows('CUS-0001')).toEqual({ actions: [], messages: [] });
    await deliverAll();
    expect(mailbox.list({ to: '+34600111222' })).toEqual([]);
    resilient.stop();
  });

  it('slow past the deadline mid-change: service_unavailable, messages held; reconcile completes it once', async () => {
    const below = changeSeen('resetEbankingUser');
    const { drillable, resilient, services } = stack({ beneath: below.port, slowFrom: 'resetEbankingUser' });
    const run = watch(services.run(req('ebanking_recovery', 'CUS-0001')));
    await below.done;
    await clock.advance(DEADLINE_MS - 1);
    expect(run.result).toBeNull();
    await clock.advance(1);
    expect(run.result).toEqual({ outcome: 'service_unavailable', unavailable: 'bank' });

    // The bank made the change; the line never heard so, and holds the messages.
    expect((await reference.getCustomer('CUS-0001'))?.ebanking?.status).toBe('password_change_required');
    expect(await rows('CUS-0001')).toEqual({
      actions: [{ status: 'started', last_error: 'BANK_UNAVAILABLE', attempts: 1 }],
      messages: [{ channel: 'email', status: 'held' }, { channel: 'sms', status: 'held' }],
    });
    await deliverAll();
    expect(mailbox.list({ to: '+34600111222' })).toEqual([]);

    // The late answer arrives and is dropped; the bank is back; reconciliation repeats the same keyed request.
    await clock.advance(2000);
    expect(drillable.drill.mode).toBe('slow');
    drillable.drill.set('ok');
    expect(await services.reconcile()).toEqual({ done: 1, failed: 0, cancelled: 0, pending: 0 });
    expect(await services.reconcile()).toEqual({ done: 0, failed: 0, cancelled: 0, pending: 0 });
    await deliverAll();
    const sms = mailbox.list({ to: '+34600111222', channel: 'sms' });
    expect(sms).toHaveLength(1);
    expect(mailbox.list({ to: 'maria.garcia@example.es', channel: 'email' })).toHaveLength(1);
    // The password in the one SMS is the one the bank stored: the change was made once, with the same secret.
    const password = /banca online es (\S+) y caduca/.exec(sms[0]?.text ?? '')?.[1] ?? '';
    expect(await reference.ebanking.login('mgarcia', new Sensitive(password))).toEqual({ ok: true, status: 'password_change_required' });
    const secrets = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM bank_secrets WHERE customer_id = 'CUS-0001' AND kind = 'ebanking_password'",
    );
    expect(secrets).toEqual([{ n: 1 }]);
    expect(await rows('CUS-0001')).toMatchObject({ actions: [{ status: 'done', attempts: 2 }] });
    expect(resilient.health().circuit).toBe('closed');
    resilient.stop();
  });

  it('a hang-up mid-change leaves the action to reconciliation, done once, without opening the circuit', async () => {
    const below = changeSeen('resetPhonebankingUser');
    const { drillable, resilient, services } = stack({ beneath: below.port, slowFrom: 'resetPhonebankingUser' });
    const hangup = new AbortController();
    const run = watch(services.run(req('phonebanking_recovery', 'CUS-0002', 'en'), { signal: hangup.signal }));
    await below.done;
    await clock.advance(1000);
    hangup.abort();
    await clock.advance(0);
    expect(run.result).toEqual({ outcome: 'service_unavailable', unavailable: 'bank' });
    expect(resilient.health()).toMatchObject({ circuit: 'closed', lastError: null });

    await clock.advance(5000);
    drillable.drill.set('ok');
    expect(await services.reconcile()).toEqual({ done: 1, failed: 0, cancelled: 0, pending: 0 });
    await deliverAll();
    expect(mailbox.list({ to: '+34611222333', channel: 'sms' })).toHaveLength(1);
    expect(mailbox.list({ to: '+34611222333', channel: 'sms' })[0]?.text).toMatch(/access code is \d{6}\b/);
    resilient.stop();
  });
});
