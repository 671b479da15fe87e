/**
 * SMS through an HTTP provider configured without code (CLAVE_SMS_HTTP_CONFIG):
 * a call's temporary password goes to a provider played by a loopback HTTP
 * server, whose signed status callback turns the message delivered; an
 * unsigned or tampered callback is refused and changes nothing.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxRecord } from '../src/notify/index.ts';
import { eventually, startTestLine, type TestLine } from './support/line.ts';

const SECRET = 'callback-secret-0123456789';
const requests: { headers: Record<string, unknown>; body: Record<string, unknown> }[] = [];
let provider: Server;
let line: TestLine;

beforeAll(async () => {
  provider = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> });
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ messages: [{ id: `prov-${requests.length}` }] }));
    });
  });
  await new Promise<void>((r) => provider.listen(0, '127.0.0.1', () => r()));
  const port = (provider.address() as { port: number }).port;
  line = await startTestLine({
    env: {
      CLAVE_SMS_HTTP_CONFIG: JSON.stringify({
        url: `http://127.0.0.1:${port}/v1/messages`,
        headers: { Authorization: 'Bearer provider-token' },
        bodyTemplate: { to: '{{to}}', from: '{{from}}', text: '{{text}}', reference: '{{id}}', validity: '{{validitySeconds}}' },
        idPath: 'messages.0.id',
        from: 'BANCO',
        callback: { secret: SECRET, signatureHeader: 'X-Signature', timestampHeader: 'X-Timestamp' },
      }),
    },
  });
}, 60_000);

afterAll(async () => {
  await line?.close();
  await new Promise((r) => provider?.close(r));
});

const sign = (timestamp: string, body: string) => createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex');

async function callback(body: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`${line.url}/webhooks/sms/status`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return res.status;
}

describe('SMS over an HTTP provider', () => {
  it('sends the temporary password with the configured body and auth, and a signed callback marks it delivered', async () => {
    const r = await line.call('+34600111222', '950183313', '2 1 1 1 12345678 4821 2580');
    expect(r.outcome).toBe('ebanking_user_recovered');
    const request = await eventually(() => requests.find((q) => q.body['to'] === '+34600111222'), 15_000);
    expect(request.headers['authorization']).toBe('Bearer provider-token');
    expect(request.body).toMatchObject({ from: 'BANCO', reference: expect.any(String) as string });
    expect(request.body['text']).toMatch(/password is \S+ and/);
    expect(request.body['validity']).toBeGreaterThan(3500);
    expect(request.headers['idempotency-key']).toBe(request.body['reference']);

    const id = String(request.body['reference']);
    const sent = await eventually(async () => {
      const m = await line.api<OutboxRecord>(`/api/outbox/${id}`);
      return m.status === 'sent' ? m : undefined;
    }, 15_000);
    expect(sent).toMatchObject({ provider: 'http-sms', providerId: 'prov-1' });

    const body = JSON.stringify({ id: 'prov-1', status: 'delivered' });
    const now = String(Math.floor(Date.now() / 1000));
    expect(await callback(body, { 'x-timestamp': now, 'x-signature': sign(now, body).replace(/.$/, (c) => (c === '0' ? '1' : '0')) })).toBe(401);
    expect(await callback(JSON.stringify({ id: 'prov-1', status: 'failed' }), { 'x-timestamp': now, 'x-signature': sign(now, body) })).toBe(401);
    expect((await line.api<OutboxRecord>(`/api/outbox/${id}`)).status).toBe('sent');

    expect(await callback(body, { 'x-timestamp': now, 'x-signature': sign(now, body) })).toBe(204);
    const delivered = await line.api<OutboxRecord>(`/api/outbox/${id}`);
    expect(delivered).toMatchObject({ status: 'delivered', receipts: [{ provider: 'http-sms', ref: 'prov-1', status: 'delivered' }] });
  }, 60_000);
});
