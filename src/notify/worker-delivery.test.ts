import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ClaveError } from '../shared/index.ts';
import { createChannelHealth } from './channel-health.ts';
import { createDeliveryMetrics } from './delivery-metrics.ts';
import { notifyFixture, passwordSms, useTestDb } from './test-fixture.ts';
import type { DeliveryChannel, DeliveryMessage, DeliveryReceipt, DeliveryResult } from './types.ts';

/** A channel answering from a script, one entry per attempt, and emitting receipts on demand. */
function scripted(provider: string, script: (msg: DeliveryMessage, n: number) => DeliveryResult | Error) {
  const seen: DeliveryMessage[] = [];
  const listeners = new Set<(r: DeliveryReceipt) => void>();
  const channel: DeliveryChannel & { seen: DeliveryMessage[]; emit(r: Omit<DeliveryReceipt, 'provider'>): void } = {
    provider,
    seen,
    deliver(msg) {
      seen.push(msg);
      const answer = script(msg, seen.length);
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
    onReceipt(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(r) {
      for (const l of listeners) l({ provider, ...r });
    },
  };
  return channel;
}

describe('outbox worker: attempts, receipts, refusals', () => {
  const testDb = useTestDb();

  it('keeps an SMS `sent` until its receipt, then delivered, with every attempt and the receipt on record', async () => {
    const f = notifyFixture(testDb());
    const smsc = scripted('smpp', (_m, n) => n === 1
      ? new ClaveError('DELIVERY_OUTCOME_UNKNOWN', 'no submit_sm_resp')
      : { providerId: 'a1', providerRefs: ['a1', 'a2'], awaitingReceipt: true });
    const worker = f.workerWith({ channels: { sms: smsc, email: smsc }, retry: { baseDelayMs: 1_000 } });
    const [id] = await f.enqueue(passwordSms(f.clock));
    await worker.runOnce();
    await f.clock.advance(1_000);
    await worker.runOnce();
    // The retry after an unknown outcome carries exactly the same text and expiry.
    expect(smsc.seen[1]).toEqual(smsc.seen[0]);
    expect(smsc.seen[0]?.expiresAt).toEqual(new Date(f.clock.now() - 1_000 + 3_600_000));
    expect(await f.outbox.get(f.db, id!)).toMatchObject({ status: 'sent', provider: 'smpp', providerId: 'a1', secretStored: false });

    await worker.receipt({ provider: 'smpp', providerRef: 'a2', status: 'delivered', detail: 'stat:DELIVRD err:000', at: new Date(f.clock.now()) });
    expect((await f.outbox.get(f.db, id!))?.status).toBe('sent');
    await worker.receipt({ provider: 'smpp', providerRef: 'a1', status: 'delivered', detail: 'stat:DELIVRD err:000', at: new Date(f.clock.now()) });
    const record = await f.outbox.get(f.db, id!);
    expect(record).toMatchObject({ status: 'delivered', deliveredAt: new Date(f.clock.now()), receiptDetail: 'stat:DELIVRD err:000' });
    expect(record?.deliveryAttempts.map((a) => [a.attempt, a.provider, a.outcome, a.providerId])).toEqual([
      [1, 'smpp', 'outcome_unknown', null],
      [2, 'smpp', 'accepted', 'a1'],
    ]);
    expect(record?.deliveryAttempts[0]?.error).toBe('DELIVERY_OUTCOME_UNKNOWN: no submit_sm_resp');
    expect(record?.receipts.map((r) => [r.ref, r.status])).toEqual([['a1', 'delivered'], ['a2', 'delivered']]);
  });

  it('settles a message whose receipt arrived before its acceptance was recorded, and fails it on a failed part', async () => {
    const f = notifyFixture(testDb());
    const smsc = scripted('smpp', (msg) => ({ providerId: `r-${msg.to}`, awaitingReceipt: true }));
    const worker = f.workerWith({ channels: { sms: smsc, email: smsc } });
    const [early] = await f.enqueue(passwordSms(f.clock, { to: '+34600000001' }));
    await worker.receipt({ provider: 'smpp', providerRef: 'r-+34600000001', status: 'failed', detail: 'stat:UNDELIV err:001', at: new Date(f.clock.now()) });
    // A receipt from another provider with the same ref must not match.
    await worker.receipt({ provider: 'http-sms', providerRef: 'r-+34600000002', status: 'delivered', detail: 'ok', at: new Date(f.clock.now()) });
    const [other] = await f.enqueue(passwordSms(f.clock, { to: '+34600000002' }));
    expect(await worker.runOnce()).toBe(2);
    expect(await f.outbox.get(f.db, early!)).toMatchObject({ status: 'failed', lastError: 'receipt: stat:UNDELIV err:001' });
    expect((await f.outbox.get(f.db, other!))?.status).toBe('sent');
    // A duplicate receipt changes nothing.
    await worker.receipt({ provider: 'smpp', providerRef: 'r-+34600000001', status: 'delivered', detail: 'stat:DELIVRD', at: new Date(f.clock.now()) });
    expect((await f.outbox.get(f.db, early!))?.status).toBe('failed');
  });

  it('fails a refused message at once, and does not retry one whose code would expire first', async () => {
    const f = notifyFixture(testDb());
    const smsc = scripted('smpp', (msg) => msg.to.endsWith('1')
      ? new ClaveError('DELIVERY_REJECTED', 'invalid destination address')
      : new ClaveError('DELIVERY_UNAVAILABLE', 'not bound'));
    const worker = f.workerWith({ channels: { sms: smsc, email: smsc }, retry: { baseDelayMs: 120_000 } });
    const [refused] = await f.enqueue(passwordSms(f.clock, { to: '+34600000001' }));
    const [late] = await f.enqueue(passwordSms(f.clock, { to: '+34600000002', expiresAt: new Date(f.clock.now() + 60_000) }));
    expect(await worker.runOnce()).toBe(2);
    expect(await f.outbox.get(f.db, refused!)).toMatchObject({
      status: 'failed', attempts: 1, secretStored: false, lastError: 'DELIVERY_REJECTED: invalid destination address',
    });
    expect(await f.outbox.get(f.db, late!)).toMatchObject({
      status: 'failed', attempts: 1, secretStored: false,
      lastError: "DELIVERY_UNAVAILABLE: not bound; not retried: the message's lifetime ends before the next attempt",
    });
  });

  it('waits at least what a throttling provider asks, with jitter below the full backoff', async () => {
    const f = notifyFixture(testDb());
    const gateway = scripted('http-sms', () => new ClaveError('DELIVERY_THROTTLED', '429', { retryAfterMs: 90_000 }));
    const worker = f.workerWith({ channels: { sms: gateway, email: gateway }, retry: { baseDelayMs: 10_000 }, random: () => 0 });
    const [id] = await f.enqueue(passwordSms(f.clock));
    await worker.runOnce();
    expect((await f.outbox.get(f.db, id!))?.nextAttemptAt).toEqual(new Date(f.clock.now() + 90_000));
    const quiet = scripted('x', () => new ClaveError('DELIVERY_UNAVAILABLE', 'down'));
    const [other] = await f.enqueue(passwordSms(f.clock, { to: '+34600000003' }));
    await f.workerWith({ channels: { sms: quiet, email: quiet }, retry: { baseDelayMs: 10_000 }, random: () => 0 }).runOnce();
    // Equal jitter: half the 10 s backoff fixed, the other half random (0 here).
    expect((await f.outbox.get(f.db, other!))?.nextAttemptAt).toEqual(new Date(f.clock.now() + 5_000));
  });

  it('holds messages back while the channel\'s circuit is open, without spending their attempts, and counts it all', async () => {
    const f = notifyFixture(testDb());
    let up = false;
    const smsc = scripted('smpp', () => up ? { providerId: 'ok', awaitingReceipt: false } : new ClaveError('DELIVERY_UNAVAILABLE', 'connection refused'));
    const health = createChannelHealth({ sms: smsc, email: smsc }, { minimumAttempts: 2, window: 4, halfOpenAfterMs: 400 });
    const registry = new Registry();
    const metrics = createDeliveryMetrics(registry, health);
    const worker = f.workerWith({ channels: { sms: smsc, email: smsc }, health, metrics, retry: { baseDelayMs: 1_000 }, heldBackMs: 7_000, batch: 1 });
    const ids = await f.enqueue(...['1', '2', '3'].map((d) => passwordSms(f.clock, { to: `+3460000000${d}` })));
    expect(health.available('sms')).toBe(true);
    for (let i = 0; i < 3; i++) expect(await worker.runOnce()).toBe(1);
    expect(health.available('sms')).toBe(false);
    expect(health.status()).toEqual([
      { channel: 'sms', provider: 'smpp', available: false, circuit: 'open', connection: null },
      { channel: 'email', provider: 'smpp', available: false, circuit: 'open', connection: null },
    ]);
    // Two attempts reached the provider and opened the circuit; the third was held back, its attempt given back.
    expect(smsc.seen).toHaveLength(2);
    const records = await Promise.all(ids.map((id) => f.outbox.get(f.db, id)));
    expect(records.map((r) => r?.attempts).sort()).toEqual([0, 1, 1]);
    const third = records.find((r) => r?.attempts === 0);
    expect(third).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: new Date(f.clock.now() + 7_000) });
    expect(third?.deliveryAttempts).toEqual([]);

    up = true;
    await new Promise((r) => setTimeout(r, 450));
    await f.clock.advance(7_000);
    while (await worker.runOnce() > 0);
    expect(health.available('sms')).toBe(true);
    const text = await registry.metrics();
    expect(text).toContain('clave_outbox_attempts_total{channel="sms",provider="smpp",outcome="unavailable"} 2');
    expect(text).toContain('clave_outbox_attempts_total{channel="sms",provider="smpp",outcome="circuit_open"} 1');
    expect(text).toContain('clave_outbox_retried_total{channel="sms",provider="smpp"} 2');
    expect(text).toContain('clave_outbox_delivered_total{channel="sms",provider="smpp"} 3');
    expect(text).toContain('clave_delivery_channel_available{channel="sms",provider="smpp"} 1');
  });
});
