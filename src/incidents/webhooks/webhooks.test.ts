import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Sensitive, SimulatedClock } from '../../shared/index.ts';
import { migrate, openPglite, type Db } from '../../store/index.ts';
import { incident, maintenance, published } from '../subscribers/events.test-support.ts';
import { claimDeliveries } from './delivery-queries.ts';
import { verifyWebhookSignature } from './signature.ts';
import { createWebhooks, type WebhooksDeps } from './webhooks.ts';

const SECRET = 'whsec-0123456789abcdef-receiver';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on loopback that answers each request with the status `respond` gives. */
function startReceiver(): Promise<{ url: string; received: Received[]; respond: (n: number) => number; delayMs: number; server: Server }> {
  const state = { url: '', received: [] as Received[], respond: (_n: number) => 200, delayMs: 0, server: null as unknown as Server };
  state.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = state.respond(state.received.length);
      setTimeout(() => res.writeHead(status, status === 302 ? { location: 'http://127.0.0.1/elsewhere' } : {}).end('ok'), state.delayMs);
    });
  });
  return new Promise((resolve) => {
    state.server.listen(0, '127.0.0.1', () => {
      state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}/hooks/clave`;
      resolve(state);
    });
  });
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('webhooks', () => {
  let db: Db;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let clock: SimulatedClock;
  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
    receiver = await startReceiver();
  }, 60_000);
  afterAll(async () => {
    await new Promise((r) => receiver.server.close(r));
    await db.close();
  });
  beforeEach(async () => {
    await db.query('DELETE FROM incidents_webhook_deliveries');
    receiver.received.length = 0;
    receiver.respond = () => 200;
    receiver.delayMs = 0;
    clock = new SimulatedClock();
  });

  const hooks = (over: Partial<WebhooksDeps> = {}) =>
    createWebhooks({ db, clock, endpoints: [{ url: receiver.url, secret: new Sensitive(SECRET) }], random: () => 1, ...over });

  it('POSTs the public fields, signed so that a receiver with the secret can check them', async () => {
    const wh = hooks({
      endpoints: [
        { url: receiver.url, secret: new Sensitive(SECRET), events: ['incident.*'] },
        { url: 'http://127.0.0.1:9/maintenance-only', secret: 'another-secret-0123456789', events: ['maintenance.scheduled'] },
      ],
    });
    const event = published(incident({ source: 'detector' }), new Date(clock.now()));
    expect(await wh.dispatch(event)).toEqual({ deliveries: 1 });
    expect(await wh.dispatch(event)).toEqual({ deliveries: 0 });
    expect(await wh.runOnce()).toEqual({ claimed: 1, delivered: 1, retried: 0, dead: 0, lost: 0 });
    const [req] = receiver.received;
    expect(req?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(req?.headers['x-clave-event']).toBe('incident.published');
    expect(req?.headers['x-clave-delivery']).toMatch(/^dlv_[0-9a-f-]{36}$/);
    expect(req?.headers['x-clave-timestamp']).toBe(String(Math.floor(clock.now() / 1000)));
    const check = (secret: string, body: string) => verifyWebhookSignature({
      secret, body, timestamp: req?.headers['x-clave-timestamp'] as string, signature: req?.headers['x-clave-signature'] as string, nowMs: clock.now(),
    });
    expect(req?.headers['x-clave-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(check(SECRET, req?.body ?? '')).toBe(true);
    expect(check('whsec-a-different-secret-000', req?.body ?? '')).toBe(false);
    expect(check(SECRET, (req?.body ?? '').replace('E-banking down', 'All fine'))).toBe(false);
    expect(verifyWebhookSignature({ secret: SECRET, body: req?.body ?? '', timestamp: req?.headers['x-clave-timestamp'] as string,
      signature: req?.headers['x-clave-signature'] as string, nowMs: clock.now() + 600_000 })).toBe(false);

    const body = JSON.parse(req?.body ?? '{}') as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['id', 'type', 'at', 'incident']);
    expect(body['id']).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(body['at']).toBe('2026-01-01T09:00:00.000Z');
    expect(body['incident']).toEqual({
      id: 'inc-1', status: 'investigating', cause: 'technical_fault', components: [{ component: 'ebanking', impact: 'major_outage' }], markets: [],
      text: incident().text, updates: [{ id: 'upd-1', status: 'investigating', at: '2026-01-01T09:00:00.000Z' }], nextUpdateAt: null,
      maintenanceId: null, publishedAt: '2026-01-01T09:00:00.000Z', resolvedAt: null,
    });
    expect(req?.body).not.toContain('admin');
    expect(req?.body).not.toContain('detector');
    const [view] = await wh.list();
    expect(view).toMatchObject({ id: req?.headers['x-clave-delivery'], endpoint: receiver.url, eventType: 'incident.published', status: 'delivered', attempts: 1, lastError: null });
  });

  it('sends no draft, and a maintenance event with its window', async () => {
    const wh = hooks();
    expect(await wh.dispatch(published(incident({ visibility: 'draft' })))).toEqual({ deliveries: 0 });
    await wh.dispatch({ type: 'maintenance.scheduled', maintenance: maintenance(), at: new Date(clock.now()) });
    await wh.runOnce();
    const body = JSON.parse(receiver.received[0]?.body ?? '{}') as { maintenance: Record<string, unknown> };
    expect(body.maintenance).toMatchObject({ id: 'mnt-1', startsAt: '2026-01-10T21:00:00.000Z', endsAt: '2026-01-11T05:00:00.000Z', recurrence: null });
    expect(body.maintenance).not.toHaveProperty('announceBeforeMs');
  });

  it('retries a 500 after the backoff with the same delivery id and body, then records the delivery', async () => {
    receiver.respond = (n) => (n === 1 ? 500 : 204);
    const wh = hooks();
    await wh.dispatch(published());
    expect(await wh.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    expect((await wh.list())[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 500', nextAttemptAt: new Date(clock.now() + 10_000) });
    await clock.advance(9_999);
    expect((await wh.runOnce()).claimed).toBe(0);
    await clock.advance(1);
    expect(await wh.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
    const [first, second] = receiver.received;
    expect(second?.headers['x-clave-delivery']).toBe(first?.headers['x-clave-delivery']);
    expect(second?.body).toBe(first?.body);
    expect(second?.headers['x-clave-timestamp']).toBe(String(Math.floor(clock.now() / 1000)));
    expect((await wh.list())[0]).toMatchObject({ status: 'delivered', attempts: 2, lastError: null, deliveredAt: new Date(clock.now()) });
  });

  it('dead-letters after the retry window with the reason, and requeues on demand', async () => {
    receiver.respond = () => 500;
    const wh = hooks({ retry: { baseDelayMs: 1_000, maxDelayMs: 4_000, giveUpAfterMs: 20_000 } });
    await wh.dispatch(published());
    // Attempts at 0, 1, 3, 7, 11, 15 and 19 s; the next would fall at 23 s, past the 20 s window.
    for (let i = 0; i < 7; i++) {
      const [row] = await wh.list();
      await clock.advance(Math.max(0, (row?.nextAttemptAt.getTime() ?? 0) - clock.now()));
      expect((await wh.runOnce()).claimed).toBe(1);
    }
    const [dead] = await wh.list({ status: 'dead' });
    expect(dead).toMatchObject({ status: 'dead', attempts: 7, lastError: 'HTTP 500', deadReason: 'gave up after 7 attempt(s); the last one: HTTP 500' });
    expect(clock.now() - Date.parse('2026-01-01T09:00:00Z')).toBe(19_000);
    await clock.advance(3_600_000);
    expect((await wh.runOnce()).claimed).toBe(0);
    expect(receiver.received.length).toBe(7);

    receiver.respond = () => 200;
    expect(await wh.requeue(dead?.id ?? '')).toBe(true);
    expect(await wh.requeue(dead?.id ?? '')).toBe(false);
    expect(await wh.runOnce()).toMatchObject({ delivered: 1 });
  });

  it('counts refused connections, redirects and unknown endpoints as failures', async () => {
    receiver.respond = () => 302;
    const closed = `http://127.0.0.1:${await closedPort()}/closed`;
    const wh = hooks({ endpoints: [{ url: receiver.url, secret: SECRET }, { url: closed, secret: SECRET }] });
    await wh.dispatch(published());
    expect(await wh.runOnce()).toMatchObject({ claimed: 2, retried: 2 });
    const errors = (await wh.list()).map((d) => `${d.endpoint} ${d.lastError}`).sort();
    expect(errors).toEqual([`${closed} network error: ECONNREFUSED`, `${receiver.url} HTTP 302 (redirects are not followed)`].sort());
    // A worker whose configuration no longer names an endpoint dead-letters its deliveries.
    await clock.advance(60_000);
    const other = hooks({ endpoints: [{ url: receiver.url, secret: SECRET }] });
    receiver.respond = () => 200;
    expect(await other.runOnce()).toMatchObject({ claimed: 2, delivered: 1, dead: 1 });
    expect((await other.list({ status: 'dead' }))[0]?.deadReason).toBe('the endpoint is no longer configured');
  });

  it('never lets two workers deliver one event twice', async () => {
    receiver.delayMs = 15;
    const a = hooks({ batch: 3 });
    const b = hooks({ batch: 3 });
    for (let i = 0; i < 12; i++) await a.dispatch(published(incident({ id: `inc-${i}` })));
    const rounds = { a: 0, b: 0 };
    for (;;) {
      const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
      rounds.a += ra.delivered;
      rounds.b += rb.delivered;
      if (ra.claimed + rb.claimed === 0) break;
    }
    const ids = receiver.received.map((r) => r.headers['x-clave-delivery']);
    expect(ids.length).toBe(12);
    expect(new Set(ids).size).toBe(12);
    expect(rounds.a + rounds.b).toBe(12);
    expect(rounds.a).toBeGreaterThan(0);
    expect(rounds.b).toBeGreaterThan(0);
  });

  it('redelivers what a worker claimed and never settled, once its lease has run out (at least once)', async () => {
    const wh = hooks({ leaseMs: 60_000 });
    await wh.dispatch(published());
    const [stolen] = await claimDeliveries(db, new Date(clock.now()), 60_000, 10, 'crashed-worker');
    expect(stolen?.attempts).toBe(1);
    expect((await wh.runOnce()).claimed).toBe(0);
    await clock.advance(60_000);
    expect(await wh.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(receiver.received.length).toBe(1);
    expect((await wh.list())[0]).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('runs as a worker woken by dispatch, and stops', async () => {
    const wh = hooks({ pollMs: 3_600_000 });
    wh.start();
    wh.start();
    await wh.dispatch(published());
    await vi.waitFor(() => expect(receiver.received.length).toBe(1), { timeout: 5_000 });
    await wh.stop();
    await wh.stop();
    await wh.dispatch(published(incident({ id: 'inc-after-stop' })));
    await new Promise((r) => setTimeout(r, 50));
    expect(receiver.received.length).toBe(1);
    expect(clock.pending).toBe(0);
  });
});
