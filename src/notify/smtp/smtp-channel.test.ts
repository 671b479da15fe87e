import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClaveError, SimulatedClock } from '../../shared/index.ts';
import type { DeliveryMessage } from '../types.ts';
import { createSmtpChannel, type SmtpChannel, type SmtpChannelOptions } from './smtp-channel.ts';
import { RECIPIENTS, selfSignedCertificate, startSmtpTestServer } from './smtp-test-server.ts';

const tls = selfSignedCertificate();
const SECRET_TEXT = 'Hola, Ana:\n\nTu usuario es "ana.garcia" y tu clave temporal es QX7-2KP.\nCaduca en 15 min.\n';

let server: Awaited<ReturnType<typeof startSmtpTestServer>>;
const channels: SmtpChannel[] = [];

beforeAll(async () => {
  server = await startSmtpTestServer(tls);
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await Promise.all(channels.splice(0).map((c) => c.close()));
});

function channel(query = '', overrides: Partial<SmtpChannelOptions> = {}): SmtpChannel {
  const c = createSmtpChannel({
    url: `smtp://clave:right-pass@127.0.0.1:${server.port}${query}`,
    from: { address: 'no-reply@bank.test', name: 'Banco Ejemplo' },
    messageIdDomain: 'clave.bank.test',
    tls: { ca: tls.cert },
    connectionTimeoutMs: 2000,
    greetingTimeoutMs: 2000,
    socketTimeoutMs: 3000,
    ...overrides,
  });
  channels.push(c);
  return c;
}

let seq = 0;
function message(overrides: Partial<DeliveryMessage> = {}): DeliveryMessage {
  seq++;
  return {
    id: `0b7c2a9e-1f7d-4c41-9a55-${String(seq).padStart(12, '0')}`,
    channel: 'email',
    to: `ana${seq}@customers.test`,
    subject: 'Tu usuario de banca online',
    text: SECRET_TEXT,
    language: 'es',
    expiresAt: null,
    ...overrides,
  };
}

async function deliveryError(c: SmtpChannel, msg: DeliveryMessage): Promise<ClaveError> {
  const err = await c.deliver(msg).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClaveError);
  const clave = err as ClaveError;
  // The text carries a secret: neither the message nor the details may hold it.
  expect(JSON.stringify({ m: clave.message, d: clave.details })).not.toContain('QX7-2KP');
  return clave;
}

describe('createSmtpChannel against an SMTP server with STARTTLS and AUTH', () => {
  it('delivers a Spanish message with text and HTML parts, the headers and a Message-ID from the outbox id', async () => {
    const clock = new SimulatedClock(Date.parse('2026-03-02T10:15:00Z'));
    const c = channel('', { clock });
    expect(c.connectionState()).toBe('connecting');
    const msg = message();
    const result = await c.deliver(msg);

    expect(result).toEqual({ providerId: `<${msg.id}@clave.bank.test>`, awaitingReceipt: false });
    expect(c.connectionState()).toBe('up');
    const mail = server.received.at(-1);
    expect(mail?.envelopeTo).toEqual([msg.to]);
    expect(mail?.secure).toBe(true); // STARTTLS, as the URL's credentials require
    expect(mail?.user).toBe('clave');
    const parsed = mail!.parsed;
    expect(parsed.messageId).toBe(`<${msg.id}@clave.bank.test>`);
    expect(parsed.subject).toBe('Tu usuario de banca online');
    expect(parsed.from?.value).toEqual([{ address: 'no-reply@bank.test', name: 'Banco Ejemplo' }]);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : null).toEqual([{ address: msg.to, name: '' }]);
    expect(parsed.date?.toISOString()).toBe('2026-03-02T10:15:00.000Z');
    expect(parsed.headers.get('content-language')).toBe('es');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.headers.get('x-clave-outbox-id')).toBe(msg.id);
    expect(parsed.headers.has('x-mailer')).toBe(false);
    expect(parsed.text).toBe(SECRET_TEXT);
    expect(parsed.html).toContain('<html lang="es">');
    expect(parsed.html).toContain('<p>Tu usuario es &#34;ana.garcia&#34; y tu clave temporal es QX7-2KP.<br>\nCaduca en 15 min.</p>');
    expect(parsed.html).toContain('mensaje automático de la línea telefónica de tu banco');
  });

  it('gives a subscriber notice RFC 8058 one-click unsubscribe headers, and other mail none', async () => {
    const c = channel();
    await c.deliver(message({ unsubscribeUrl: 'https://status.bank.test/status/unsubscribe/tok-123' }));
    const notice = String(server.received.at(-1)!.raw);
    expect(notice).toMatch(/\r\nList-Unsubscribe: <https:\/\/status\.bank\.test\/status\/unsubscribe\/tok-123>\r\n/);
    expect(notice).toMatch(/\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n/);
    await c.deliver(message());
    expect(String(server.received.at(-1)!.raw)).not.toMatch(/List-Unsubscribe/i);
  });

  it('gives an English footer to a language without a layout, keeping the message language', async () => {
    const c = channel();
    const msg = message({ language: 'fr', subject: 'Votre identifiant', text: 'Bonjour Zoé.' });
    await c.deliver(msg);
    const parsed = server.received.at(-1)!.parsed;
    expect(parsed.headers.get('content-language')).toBe('fr');
    expect(parsed.text).toBe('Bonjour Zoé.');
    expect(parsed.html).toContain('<html lang="fr">');
    expect(parsed.html).toContain('<p>Bonjour Zoé.</p>');
    expect(parsed.html).toContain(`<p lang="en" style="font-size: 12px; color: #666666;">This is an automated message from your bank&#39;s phone line.`);
  });

  it('adds the queue id from the server\'s 250 reply to the providerId', async () => {
    const other = await startSmtpTestServer(tls, { queueReply: 'Ok: queued as 4F2B81C0A2', authOptional: true });
    try {
      const c = createSmtpChannel({
        url: `smtp://127.0.0.1:${other.port}`,
        from: { address: 'no-reply@bank.test' },
        messageIdDomain: 'clave.bank.test',
        tls: { ca: tls.cert },
      });
      channels.push(c);
      const msg = message();
      expect((await c.deliver(msg)).providerId).toBe(`<${msg.id}@clave.bank.test> 4F2B81C0A2`);
      expect(other.received[0]?.user).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('refuses a wrong password as DELIVERY_UNAVAILABLE without echoing it', async () => {
    const c = channel('', { url: `smtp://clave:wrong-pass@127.0.0.1:${server.port}` });
    const before = server.received.length;
    const err = await deliveryError(c, message());
    expect(err.code).toBe('DELIVERY_UNAVAILABLE');
    expect(err.message).toContain('authentication failed (535)');
    expect(JSON.stringify({ m: err.message, d: err.details })).not.toContain('wrong-pass');
    expect(c.connectionState()).toBe('down');
    expect(server.received.length).toBe(before);
  });

  it('logs in with AUTH LOGIN when told to', async () => {
    const c = channel('?authMethod=LOGIN');
    await c.deliver(message());
    expect(server.received.at(-1)?.user).toBe('clave');
  });

  it('fails TLS against an untrusted certificate as DELIVERY_UNAVAILABLE, and accepts it with tlsRejectUnauthorized=false', async () => {
    const strict = channel('', { tls: {} });
    const err = await deliveryError(strict, message());
    expect(err.code).toBe('DELIVERY_UNAVAILABLE');
    expect(err.message).toContain('TLS');
    const lax = channel('?tlsRejectUnauthorized=false', { tls: {} });
    await expect(lax.deliver(message())).resolves.toMatchObject({ awaitingReceipt: false });
  });

  it('reuses one pooled connection for several messages', async () => {
    const pooled = channel('?pool=true&maxConnections=1');
    const start = server.connections();
    const msgs = [message(), message(), message()];
    await Promise.all(msgs.map((m) => pooled.deliver(m)));
    expect(server.connections() - start).toBe(1);
    expect(server.received.slice(-3).map((r) => r.parsed.messageId).sort()).toEqual(msgs.map((m) => `<${m.id}@clave.bank.test>`).sort());

    const unpooled = channel();
    const start2 = server.connections();
    for (const m of [message(), message()]) await unpooled.deliver(m);
    expect(server.connections() - start2).toBe(2);
  });

  it('maps 550 on RCPT to DELIVERY_REJECTED and keeps the state up', async () => {
    const c = channel();
    const err = await deliveryError(c, message({ to: RECIPIENTS.reject }));
    expect(err.code).toBe('DELIVERY_REJECTED');
    expect(err.details).toMatchObject({ responseCode: 550, command: 'RCPT TO' });
    expect(c.connectionState()).toBe('up');
  });

  it('maps a 530 (authentication required) on MAIL FROM to DELIVERY_UNAVAILABLE, not a rejection of the message', async () => {
    const c = channel('', { url: `smtp://127.0.0.1:${server.port}` });
    const err = await deliveryError(c, message());
    expect(err.code).toBe('DELIVERY_UNAVAILABLE');
    expect(err.details).toMatchObject({ responseCode: 530, command: 'MAIL FROM' });
  });

  it('maps 451 on RCPT to DELIVERY_THROTTLED', async () => {
    const err = await deliveryError(channel(), message({ to: RECIPIENTS.later }));
    expect(err.code).toBe('DELIVERY_THROTTLED');
    expect(err.details).toMatchObject({ responseCode: 451 });
  });

  it('maps a connection cut before the message was sent to DELIVERY_UNAVAILABLE', async () => {
    const c = channel();
    const err = await deliveryError(c, message({ to: RECIPIENTS.hangup }));
    expect(err.code).toBe('DELIVERY_UNAVAILABLE');
    expect(c.connectionState()).toBe('down');
  });

  it('maps a connection cut after the whole message was sent, before the final reply, to DELIVERY_OUTCOME_UNKNOWN', async () => {
    const err = await deliveryError(channel(), message({ to: RECIPIENTS.lost }));
    expect(err.code).toBe('DELIVERY_OUTCOME_UNKNOWN');
  });

  it('maps a server silent after the whole message, until the socket timeout, to DELIVERY_OUTCOME_UNKNOWN', async () => {
    const err = await deliveryError(channel('', { socketTimeoutMs: 300 }), message({ to: RECIPIENTS.silent }));
    expect(err.code).toBe('DELIVERY_OUTCOME_UNKNOWN');
    expect(err.details).toMatchObject({ smtpCode: 'ETIMEDOUT' });
  });

  it('does the same over a pooled connection', async () => {
    const pooled = channel('?pool=true&maxConnections=1');
    await pooled.deliver(message());
    const err = await deliveryError(pooled, message({ to: RECIPIENTS.lost }));
    expect(err.code).toBe('DELIVERY_OUTCOME_UNKNOWN');
    // The pool opens a new connection for the next one.
    await expect(pooled.deliver(message())).resolves.toMatchObject({ awaitingReceipt: false });
    expect(pooled.connectionState()).toBe('up');
  });

  it('maps a server that is down to DELIVERY_UNAVAILABLE and the state to down', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((r) => probe.close(() => r()));
    const c = channel('', { url: `smtp://clave:right-pass@127.0.0.1:${port}` });
    const err = await deliveryError(c, message());
    expect(err.code).toBe('DELIVERY_UNAVAILABLE');
    expect(err.details).toMatchObject({ originalCode: 'ECONNREFUSED' });
    expect(c.connectionState()).toBe('down');
    await expect(c.verify()).rejects.toMatchObject({ code: 'DELIVERY_UNAVAILABLE' });
  });

  it('verifies the relay at startup, and refuses to send once closed', async () => {
    const c = channel();
    await c.verify();
    expect(c.connectionState()).toBe('up');
    await c.close();
    await c.close();
    expect(c.connectionState()).toBe('down');
    await expect(c.deliver(message())).rejects.toMatchObject({ code: 'DELIVERY_UNAVAILABLE' });
  });

  it('rejects a recipient that is not one plain address, so no header can add another', async () => {
    const err = await deliveryError(channel(), message({ to: 'ana@customers.test, eve@evil.test' }));
    expect(err.code).toBe('DELIVERY_REJECTED');
  });

  it('speaks implicit TLS for smtps:// URLs', async () => {
    const tlsServer = await startSmtpTestServer(tls, { secure: true });
    try {
      const c = channel('', { url: `smtps://clave:right-pass@127.0.0.1:${tlsServer.port}` });
      await c.deliver(message());
      expect(tlsServer.received[0]?.secure).toBe(true);
      expect(tlsServer.received[0]?.user).toBe('clave');
    } finally {
      await tlsServer.close();
    }
  });
});
