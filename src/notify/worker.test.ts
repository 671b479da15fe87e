import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { isClaveError, Sensitive } from '../shared/index.ts';
import { EMAIL, MOBILE, notifyFixture, passwordSms, useTestDb } from './test-fixture.ts';
import type { DeliveryChannel, DeliveryMessage } from './types.ts';
import { claimDue } from './worker-queries.ts';

const SECRET = 'Qx7-mK2p';
const ES_TEXT = `Tu contraseña temporal de banca online es ${SECRET} y caduca en 60 min. Debes cambiarla en tu siguiente acceso. No la compartas.`;

/** A channel that refuses everything, echoing the text back the way careless providers do. */
function refusingChannel(): DeliveryChannel & { seen: DeliveryMessage[] } {
  const seen: DeliveryMessage[] = [];
  return {
    provider: 'refusing',
    seen,
    deliver(msg) {
      seen.push(msg);
      return Promise.reject(new Error(`gateway 503 for "${msg.text}"`));
    },
  };
}

describe('outbox worker', () => {
  const testDb = useTestDb();

  it('delivers each language\'s text to the mailbox, then wipes the secret', async () => {
    const f = notifyFixture(testDb());
    const [sms, mail] = await f.enqueue(passwordSms(f.clock), {
      channel: 'email', to: EMAIL, language: 'en', template: 'ebanking_username', params: { name: 'Ana', username: 'ana.garcia' },
    });
    expect(await f.workerWith().runOnce()).toBe(2);
    const inbox = f.mailbox.list();
    expect(inbox.map((e) => [e.messageId, e.channel, e.to, e.subject, e.text, e.language, e.at])).toEqual([
      [sms, 'sms', MOBILE, null, ES_TEXT, 'es', '2026-01-01T09:00:00.000Z'],
      [mail, 'email', EMAIL, 'Your e-banking user name', expect.stringContaining('Your user name is: ana.garcia\n') as unknown, 'en', '2026-01-01T09:00:00.000Z'],
    ]);
    expect(await f.secretColumn(sms!)).toBeNull();
    const record = await f.outbox.get(f.db, sms!);
    expect(record).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: new Date(f.clock.now()), providerId: inbox[0]?.id, secretStored: false });
    expect(record?.body).toBe(ES_TEXT.replace(SECRET, '********'));
    const dump = (await f.db.query<{ row: string }>('SELECT o::text AS row FROM notify_outbox o')).map((r) => r.row).join('\n');
    expect(dump).toContain(sms);
    expect(dump).not.toContain(SECRET);
    expect(dump).not.toContain(ES_TEXT);
    expect(await f.workerWith().runOnce()).toBe(0);
  });

  it('does not deliver held messages until they are released', async () => {
    const f = notifyFixture(testDb());
    const [id] = await f.enqueue(passwordSms(f.clock, { hold: true }));
    const worker = f.workerWith();
    expect(await worker.runOnce()).toBe(0);
    expect(f.mailbox.list()).toEqual([]);
    await f.db.transaction((tx) => f.outbox.release(tx, [id!]));
    expect(await worker.runOnce()).toBe(1);
    expect(f.mailbox.list().map((e) => e.text)).toEqual([ES_TEXT]);
  });

  it('never delivers a cancelled message', async () => {
    const f = notifyFixture(testDb());
    const [id] = await f.enqueue(passwordSms(f.clock, { hold: true }));
    await f.db.transaction((tx) => f.outbox.cancel(tx, [id!], 'bank refused'));
    await f.clock.advance(60_000);
    expect(await f.workerWith().runOnce()).toBe(0);
    expect(f.mailbox.list()).toEqual([]);
    expect(await f.secretColumn(id!)).toBeNull();
    expect((await f.outbox.get(f.db, id!))?.status).toBe('cancelled');
  });

  it('expires pending and held messages past their expiry instead of sending them', async () => {
    const f = notifyFixture(testDb());
    const [pending] = await f.enqueue(passwordSms(f.clock, { expiresAt: new Date(f.clock.now() + 1000) }));
    const [held] = await f.enqueue(passwordSms(f.clock, { hold: true, expiresAt: new Date(f.clock.now() + 1000) }));
    await f.clock.advance(1000);
    expect(await f.workerWith().runOnce()).toBe(0);
    expect(f.mailbox.list()).toEqual([]);
    for (const id of [pending!, held!]) {
      expect(await f.outbox.get(f.db, id)).toMatchObject({ status: 'expired', secretStored: false });
    }
    // A late release of an expired message is a bug the caller hears about.
    const err = await f.db.transaction((tx) => f.outbox.release(tx, [held!])).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`Outbox release: illegal for message(s) ${held} (expired)`);
  });

  it('retries a failing channel with backoff, masks the secret in the error, then gives up', async () => {
    const f = notifyFixture(testDb());
    const channel = refusingChannel();
    const worker = f.workerWith({ channels: { sms: channel, email: channel }, retry: { maxAttempts: 3, baseDelayMs: 10_000 } });
    const [id] = await f.enqueue(passwordSms(f.clock));
    expect(await worker.runOnce()).toBe(1);
    expect(channel.seen[0]?.text).toBe(ES_TEXT);
    let record = await f.outbox.get(f.db, id!);
    expect(record).toMatchObject({ status: 'pending', attempts: 1, lastError: 'Error: gateway 503 for "********"', secretStored: true });
    expect(record?.nextAttemptAt).toEqual(new Date(f.clock.now() + 10_000));

    await f.clock.advance(9_999);
    expect(await worker.runOnce()).toBe(0);
    await f.clock.advance(1);
    expect(await worker.runOnce()).toBe(1);
    record = await f.outbox.get(f.db, id!);
    expect(record).toMatchObject({ status: 'pending', attempts: 2 });
    expect(record?.nextAttemptAt).toEqual(new Date(f.clock.now() + 20_000));

    await f.clock.advance(20_000);
    expect(await worker.runOnce()).toBe(1);
    expect(await f.outbox.get(f.db, id!)).toMatchObject({ status: 'failed', attempts: 3, secretStored: false });
    expect(await f.secretColumn(id!)).toBeNull();
    await f.clock.advance(3_600_000);
    expect(await worker.runOnce()).toBe(0);
    expect(channel.seen).toHaveLength(3);
    const dump = (await f.db.query<{ row: string }>('SELECT o::text AS row FROM notify_outbox o')).map((r) => r.row).join('\n');
    expect(dump).not.toContain(SECRET);
  });

  it('counts a channel that does not answer in time as a failed attempt', async () => {
    const f = notifyFixture(testDb());
    const silent: DeliveryChannel = { provider: 'silent', deliver: () => new Promise(() => {}) };
    const worker = f.workerWith({ channels: { sms: silent, email: silent }, deliverTimeoutMs: 5_000 });
    const [id] = await f.enqueue(passwordSms(f.clock));
    const round = worker.runOnce();
    await vi.waitFor(() => expect(f.clock.pending).toBe(1));
    await f.clock.advance(5_000);
    expect(await round).toBe(1);
    expect(await f.outbox.get(f.db, id!)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'TIMEOUT: delivery channel did not answer within 5000 ms' });
  });

  it('returns a message whose worker died mid-delivery to pending once the lease runs out', async () => {
    const f = notifyFixture(testDb());
    const [id] = await f.enqueue(passwordSms(f.clock));
    // A process claims it and dies before recording anything.
    expect(await claimDue(f.db, new Date(f.clock.now()), 60_000, 10, { sms: 'dev-mailbox', email: 'dev-mailbox' })).toHaveLength(1);
    const worker = f.workerWith({ leaseMs: 60_000 });
    expect(await worker.runOnce()).toBe(0);
    await f.clock.advance(60_001);
    expect(await worker.runOnce()).toBe(1);
    expect(await f.outbox.get(f.db, id!)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(f.mailbox.list().map((e) => e.text)).toEqual([ES_TEXT]);
  });

  it('fails at once, wiping the secret, when the data key cannot open it', async () => {
    const f = notifyFixture(testDb());
    const [id] = await f.enqueue(passwordSms(f.clock));
    expect(await f.workerWith({ dataKey: randomBytes(32) }).runOnce()).toBe(1);
    expect(f.mailbox.list()).toEqual([]);
    const record = await f.outbox.get(f.db, id!);
    expect(record).toMatchObject({ status: 'failed', attempts: 1, secretStored: false });
    expect(record?.lastError).toMatch(/^secret unavailable: SEALED_DATA_INVALID: /);
  });

  it('runs in the background: first round at start, then on wake() and on each poll', async () => {
    const f = notifyFixture(testDb());
    const worker = f.workerWith({ pollMs: 2_000 });
    await f.enqueue(passwordSms(f.clock));
    worker.start();
    worker.start();
    await vi.waitFor(() => expect(f.mailbox.list()).toHaveLength(1));

    await f.enqueue(passwordSms(f.clock, { to: '+34600999888' }));
    f.outbox.wake();
    await vi.waitFor(() => expect(f.mailbox.list({ to: '+34600999888' })).toHaveLength(1));

    await f.enqueue({ channel: 'sms', to: MOBILE, language: 'en', template: 'password_changed', params: { username: 'ana' } });
    await vi.waitFor(() => expect(f.clock.pending).toBe(1));
    expect(f.mailbox.list()).toHaveLength(2);
    await f.clock.advance(2_000);
    await vi.waitFor(() => expect(f.mailbox.list()).toHaveLength(3));

    await worker.stop();
    await worker.stop();
    expect(f.clock.pending).toBe(0);
    const err = await worker.runOnce().catch((e: unknown) => e);
    expect(isClaveError(err, 'CLOSED')).toBe(true);
    expect(() => worker.start()).toThrow(expect.objectContaining({ code: 'CLOSED' }) as Error);
  });

  it('stop() waits for the delivery in flight', async () => {
    const f = notifyFixture(testDb());
    let accept: (v: { providerId: string }) => void = () => {};
    const slow: DeliveryChannel = { provider: 'slow', deliver: () => new Promise((resolve) => { accept = resolve; }) };
    const worker = f.workerWith({ channels: { sms: slow, email: slow } });
    const [id] = await f.enqueue(passwordSms(f.clock, { secret: new Sensitive('111222') }));
    worker.start();
    await vi.waitFor(async () => expect((await f.outbox.get(f.db, id!))?.status).toBe('sending'));
    let stopped = false;
    const stopping = worker.stop().then(() => { stopped = true; });
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    accept({ providerId: 'p-1' });
    await stopping;
    expect(await f.outbox.get(f.db, id!)).toMatchObject({ status: 'delivered', providerId: 'p-1' });
  });
});
