import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClaveError, Sensitive, SimulatedClock } from '../../shared/index.ts';
import type { DeliveryMessage, DeliveryReceipt } from '../types.ts';
import { createHttpSmsChannel, type HttpSmsChannel, type HttpSmsChannelOptions } from './http-sms-channel.ts';

interface Captured {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
const requests: Captured[] = [];
let respond: (req: Captured, res: ServerResponse) => void = (_req, res) => res.end();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(captured);
      respond(captured, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  requests.length = 0;
  respond = (_req, res) => json(res, 200, { messages: [{ id: 'prov-1' }] });
});

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const TEXT = 'Tu contraseña temporal es "Q\\7x" y caduca en 15 min.\nNo la compartas.';
const NOW = Date.parse('2026-03-02T10:00:00Z');
const clock = new SimulatedClock(NOW);

function message(overrides: Partial<DeliveryMessage> = {}): DeliveryMessage {
  return {
    id: '7d0f5a1e-4b8c-4f27-9a0e-3c6d2b1a9e55',
    channel: 'sms',
    to: '+34600000001',
    subject: null,
    text: TEXT,
    language: 'es',
    expiresAt: new Date(NOW + 900_500),
    ...overrides,
  };
}

function channel(overrides: Partial<HttpSmsChannelOptions> = {}): HttpSmsChannel {
  return createHttpSmsChannel({
    url: `${base}/v1/messages`,
    headers: { Authorization: new Sensitive('Bearer test-token-123'), 'X-Tenant': 'bank' },
    bodyTemplate: {
      messages: [{ to: '{{to}}', from: '{{from}}', body: '{{text}}', ref: 'clave-{{id}}', ttl: '{{validitySeconds}}', ttlText: 'ttl={{validitySeconds}}' }],
      statusUrl: '{{callbackUrl}}',
      flash: false,
    },
    idPath: 'messages.0.id',
    from: 'BANCO',
    callbackUrl: 'https://clave.bank.test/webhooks/sms/status',
    timeoutMs: 1000,
    clock,
    ...overrides,
  });
}

async function failure(p: Promise<unknown>): Promise<ClaveError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClaveError);
  const clave = err as ClaveError;
  expect(JSON.stringify({ m: clave.message, d: clave.details })).not.toContain('Q\\\\7x');
  expect(JSON.stringify({ m: clave.message, d: clave.details })).not.toContain('compartas');
  return clave;
}

describe('createHttpSmsChannel: sending', () => {
  it('fills the body template in the JSON structure, with the headers and the Idempotency-Key', async () => {
    const result = await channel().deliver(message());
    expect(result).toEqual({ providerId: 'prov-1', awaitingReceipt: false });
    const req = requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/messages');
    expect(req.headers.authorization).toBe('Bearer test-token-123');
    expect(req.headers['x-tenant']).toBe('bank');
    expect(req.headers['idempotency-key']).toBe('7d0f5a1e-4b8c-4f27-9a0e-3c6d2b1a9e55');
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(req.body)).toEqual({
      messages: [{ to: '+34600000001', from: 'BANCO', body: TEXT, ref: 'clave-7d0f5a1e-4b8c-4f27-9a0e-3c6d2b1a9e55', ttl: 900, ttlText: 'ttl=900' }],
      statusUrl: 'https://clave.bank.test/webhooks/sms/status',
      flash: false,
    });
    // Escaped by JSON.stringify, not pasted in: the quote and backslash cannot end the string.
    expect(req.body).toContain('"body":"Tu contraseña temporal es \\"Q\\\\7x\\" y caduca en 15 min.\\nNo la compartas."');
  });

  it('sends a form body with basic auth, and uses the outbox id without an idPath', async () => {
    respond = (_req, res) => json(res, 201, { sid: 'SM1' });
    const c = channel({
      headers: {},
      basicAuth: { user: 'AC123', password: new Sensitive('auth-token') },
      bodyEncoding: 'form',
      bodyTemplate: { To: '{{to}}', From: '{{from}}', Body: '{{text}}', ValidityPeriod: '{{validitySeconds}}' },
      idPath: undefined,
      method: 'PUT',
    });
    const result = await c.deliver(message({ expiresAt: null }));
    expect(result).toEqual({ providerId: '7d0f5a1e-4b8c-4f27-9a0e-3c6d2b1a9e55', awaitingReceipt: false });
    const req = requests[0]!;
    expect(req.method).toBe('PUT');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('AC123:auth-token').toString('base64')}`);
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    const form = new URLSearchParams(req.body);
    expect(form.get('Body')).toBe(TEXT);
    expect(form.get('To')).toBe('+34600000001');
    expect(form.has('ValidityPeriod')).toBe(false); // no expiry: left out rather than sent empty
  });

  it('expects receipts when a status callback is configured, and reads numeric ids', async () => {
    respond = (_req, res) => json(res, 202, { messages: [{ id: 98765 }] });
    const c = channel({ callback: { secret: new Sensitive('0123456789abcdef'), signatureHeader: 'X-Signature', signatureEncoding: 'hex' } });
    expect(await c.deliver(message())).toEqual({ providerId: '98765', awaitingReceipt: true });
  });

  it.each([
    [429, 'DELIVERY_THROTTLED', { 'retry-after': '30' }, { status: 429, retryAfterSeconds: 30 }],
    [503, 'DELIVERY_UNAVAILABLE', { 'retry-after': 'Mon, 02 Mar 2026 10:02:00 GMT' }, { status: 503, retryAfterSeconds: 120 }],
    [500, 'DELIVERY_UNAVAILABLE', {}, { status: 500 }],
    [408, 'DELIVERY_UNAVAILABLE', {}, { status: 408 }],
    [401, 'DELIVERY_UNAVAILABLE', {}, { status: 401 }],
    [409, 'DELIVERY_OUTCOME_UNKNOWN', {}, { status: 409 }],
    [302, 'DELIVERY_UNAVAILABLE', { location: '/elsewhere' }, { status: 302 }],
    [400, 'DELIVERY_REJECTED', {}, { status: 400 }],
    [422, 'DELIVERY_REJECTED', {}, { status: 422 }],
  ] as const)('maps %i to %s without echoing the provider body', async (status, code, headers, details) => {
    // The provider's error body quotes the message: it must not reach the error.
    respond = (req, res) => json(res, status, { error: 'bad', echo: req.body }, headers);
    const err = await failure(channel().deliver(message()));
    expect(err.code).toBe(code);
    expect(err.details).toEqual(details);
    expect(requests).toHaveLength(1); // a redirect is not followed
  });

  it('calls a 2xx without the id, or without JSON, an unknown outcome', async () => {
    respond = (_req, res) => json(res, 200, { messages: [] });
    const noId = await failure(channel().deliver(message()));
    expect(noId.code).toBe('DELIVERY_OUTCOME_UNKNOWN');
    expect(noId.message).toBe('SMS provider answered 200 without an id at messages.0.id');
    respond = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>ok</html>');
    expect((await failure(channel().deliver(message()))).code).toBe('DELIVERY_OUTCOME_UNKNOWN');
  });

  it('calls a timeout after the request was sent an unknown outcome', async () => {
    respond = () => {}; // reads the request, never answers
    const started = Date.now();
    const err = await failure(channel({ timeoutMs: 200, clock: undefined }).deliver(message({ expiresAt: null })));
    expect(err.code).toBe('DELIVERY_OUTCOME_UNKNOWN');
    expect(err.details).toMatchObject({ timedOut: true, requestSent: true });
    expect(Date.now() - started).toBeLessThan(900);
    expect(requests).toHaveLength(1);
  });

  it('calls a timeout before the request left (a TLS handshake that never ends) unavailable', async () => {
    const silent = createNetServer((socket) => sockets.push(socket));
    const sockets: Socket[] = [];
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const port = (silent.address() as { port: number }).port;
      const c = channel({ url: `https://127.0.0.1:${port}/v1/messages`, timeoutMs: 200, clock: undefined });
      const err = await failure(c.deliver(message({ expiresAt: null })));
      expect(err.code).toBe('DELIVERY_UNAVAILABLE');
      expect(err.details).toMatchObject({ timedOut: true, requestSent: false });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('calls a connection cut after the request was read an unknown outcome', async () => {
    respond = (_req, res) => res.socket?.destroy();
    const err = await failure(channel().deliver(message()));
    expect(err.code).toBe('DELIVERY_OUTCOME_UNKNOWN');
    expect(err.details).toMatchObject({ timedOut: false, requestSent: true });
  });

  it('calls a refused connection unavailable: nothing was sent', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const err = await failure(channel({ url: `http://127.0.0.1:${port}/v1/messages` }).deliver(message()));
    expect(err.code).toBe('DELIVERY_UNAVAILABLE');
    expect(err.details).toMatchObject({ requestSent: false, cause: 'ECONNREFUSED' });
  });

  it('refuses an expired message without calling the provider, and anything once closed', async () => {
    const c = channel();
    expect((await failure(c.deliver(message({ expiresAt: new Date(NOW + 500) })))).code).toBe('DELIVERY_REJECTED');
    expect(requests).toHaveLength(0);
    await c.close();
    await c.close();
    expect((await failure(c.deliver(message()))).code).toBe('DELIVERY_UNAVAILABLE');
  });

  it('refuses a template with an unknown placeholder when built', () => {
    expect(() => channel({ bodyTemplate: { to: '{{to}}', text: '{{text}}', x: '{{sender}}' } })).toThrow(/unknown placeholder\(s\) \{\{sender\}\}/);
  });
});

describe('createHttpSmsChannel: status callbacks', () => {
  const secret = 'whsec-0123456789abcdef';
  const sign = (payload: string, encoding: 'hex' | 'base64' = 'hex') => createHmac('sha256', secret).update(payload).digest(encoding);
  const ts = String(Math.floor(NOW / 1000));

  function withCallback(overrides: Partial<NonNullable<HttpSmsChannelOptions['callback']>> = {}): { c: HttpSmsChannel; heard: DeliveryReceipt[] } {
    const c = channel({
      callback: {
        secret: new Sensitive(secret),
        signatureHeader: 'X-Signature',
        signatureEncoding: 'hex',
        timestampHeader: 'X-Timestamp',
        toleranceSeconds: 300,
        idPath: 'message.id',
        statusPath: 'message.status',
        detailPath: 'message.error',
        deliveredValues: ['DELIVERED'],
        failedValues: ['UNDELIVERABLE', 'EXPIRED'],
        ...overrides,
      },
    });
    const heard: DeliveryReceipt[] = [];
    c.onReceipt((r) => heard.push(r));
    return { c, heard };
  }

  it('accepts a valid signature over timestamp and body, and turns statuses into receipts', () => {
    const { c, heard } = withCallback();
    const body = JSON.stringify([
      { message: { id: 'prov-1', status: 'delivered' } },
      { message: { id: 'prov-2', status: 'UNDELIVERABLE', error: 'E30003' } },
      { message: { id: 'prov-3', status: 'sent' } },
    ]);
    const result = c.handleStatusCallback(Buffer.from(body), { 'x-signature': `sha256=${sign(`${ts}.${body}`)}`, 'x-timestamp': ts });
    const at = new Date(NOW);
    const expected = [
      { provider: 'http-sms', providerRef: 'prov-1', status: 'delivered', detail: 'status:delivered', at },
      { provider: 'http-sms', providerRef: 'prov-2', status: 'failed', detail: 'status:UNDELIVERABLE detail:E30003', at },
    ];
    expect(result).toEqual({ ok: true, receipts: expected });
    expect(heard).toEqual(expected);
  });

  it('refuses a wrong signature, a tampered body, a stale timestamp and a missing header', () => {
    const { c, heard } = withCallback();
    const body = JSON.stringify({ message: { id: 'prov-1', status: 'DELIVERED' } });
    const good = sign(`${ts}.${body}`);
    const tampered = body.replace('prov-1', 'prov-9');
    expect(c.handleStatusCallback(Buffer.from(body), { 'x-signature': sign(`${ts}.other`), 'x-timestamp': ts })).toEqual({ ok: false, reason: 'signature does not match' });
    expect(c.handleStatusCallback(Buffer.from(tampered), { 'x-signature': good, 'x-timestamp': ts })).toEqual({ ok: false, reason: 'signature does not match' });
    const old = String(Number(ts) - 301);
    expect(c.handleStatusCallback(Buffer.from(body), { 'x-signature': sign(`${old}.${body}`), 'x-timestamp': old })).toEqual({
      ok: false,
      reason: 'timestamp outside the freshness window (stale or replayed)',
    });
    // The timestamp is signed: moving it forward breaks the signature.
    expect(c.handleStatusCallback(Buffer.from(body), { 'x-signature': sign(`${old}.${body}`), 'x-timestamp': ts })).toEqual({ ok: false, reason: 'signature does not match' });
    expect(c.handleStatusCallback(Buffer.from(body), { 'x-timestamp': ts })).toEqual({ ok: false, reason: 'missing X-Signature header' });
    expect(c.handleStatusCallback(Buffer.from(body), { 'x-signature': 'zz', 'x-timestamp': ts })).toEqual({ ok: false, reason: 'X-Signature is not a hex HMAC-SHA256' });
    expect(heard).toEqual([]);
    expect(c.handleStatusCallback(Buffer.from(body), { 'x-signature': good, 'x-timestamp': ts })).toMatchObject({ ok: true, receipts: [{ providerRef: 'prov-1', status: 'delivered' }] });
  });

  it('reads a base64 signature without a timestamp, a wrapped list, and form-encoded bodies', () => {
    const { c } = withCallback({ signatureEncoding: 'base64', timestampHeader: undefined, itemsPath: 'events', idPath: 'ref', statusPath: 'state', detailPath: undefined });
    const body = JSON.stringify({ events: [{ ref: 'a1', state: 'expired' }] });
    expect(c.handleStatusCallback(Buffer.from(body), { 'X-Signature': sign(body, 'base64') })).toMatchObject({ ok: true, receipts: [{ providerRef: 'a1', status: 'failed', detail: 'status:expired' }] });

    const form = withCallback({ timestampHeader: undefined, idPath: 'MessageSid', statusPath: 'MessageStatus', deliveredValues: ['delivered'], detailPath: undefined }).c;
    const raw = 'MessageSid=SM1&MessageStatus=delivered';
    expect(form.handleStatusCallback(Buffer.from(raw), { 'x-signature': sign(raw), 'content-type': 'application/x-www-form-urlencoded' })).toMatchObject({
      ok: true,
      receipts: [{ providerRef: 'SM1', status: 'delivered' }],
    });
  });

  it('refuses a signed body it cannot map, and callbacks when none is configured', () => {
    const { c, heard } = withCallback({ timestampHeader: undefined });
    const body = JSON.stringify({ message: { status: 'DELIVERED' } });
    expect(c.handleStatusCallback(Buffer.from(body), { 'x-signature': sign(body) })).toEqual({ ok: false, reason: 'status item 0 has no id at message.id' });
    expect(c.handleStatusCallback(Buffer.from('not json'), { 'x-signature': sign('not json') })).toEqual({ ok: false, reason: 'body is not JSON' });
    expect(heard).toEqual([]);
    expect(channel().handleStatusCallback(Buffer.from(body), {})).toEqual({ ok: false, reason: 'no status callback configured' });
  });

  it('stops telling a listener once it unsubscribes', () => {
    const { c } = withCallback({ timestampHeader: undefined });
    const late: DeliveryReceipt[] = [];
    const off = c.onReceipt((r) => late.push(r));
    const body = JSON.stringify({ message: { id: 'p', status: 'DELIVERED' } });
    c.handleStatusCallback(Buffer.from(body), { 'x-signature': sign(body) });
    off();
    c.handleStatusCallback(Buffer.from(body), { 'x-signature': sign(body) });
    expect(late).toHaveLength(1);
  });
});
