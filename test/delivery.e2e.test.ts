/**
 * Real delivery end to end: a running Clave sends its e-mail through an SMTP
 * relay (STARTTLS, AUTH) and its SMS through an SMS centre (SMPP 3.4), both
 * real servers on loopback; the messages are read back from them, receipts
 * come back from the centre, and the story finishes on the bank's side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../src/call/index.ts';
import { startTestSmsc, type OutboxRecord, type TestSmsc } from '../src/notify/index.ts';
import { selfSignedCertificate, startSmtpTestServer } from '../src/notify/smtp/smtp-test-server.ts';
import { eventually, startTestLine, type TestLine } from './support/line.ts';

const UNLOCK = '950183313';
const MARIA = '+34600111222';
const JOHN = '+34611222333';

let smtp: Awaited<ReturnType<typeof startSmtpTestServer>>;
let smsc: TestSmsc;
let line: TestLine;

beforeAll(async () => {
  smtp = await startSmtpTestServer(selfSignedCertificate());
  smsc = await startTestSmsc({ autoReceipt: { stat: 'DELIVRD', delayMs: 50 } });
  line = await startTestLine({
    env: {
      CLAVE_SMTP_URL: `smtp://clave:right-pass@127.0.0.1:${smtp.port}?requireTLS=true&tlsRejectUnauthorized=false`,
      CLAVE_SMTP_FROM: 'Banco Demo <no-reply@bank.example>',
      CLAVE_SMPP_URL: smsc.url,
      CLAVE_DEV_MAILBOX: 'off',
    },
  });
}, 60_000);

afterAll(async () => {
  await line?.close();
  await smsc?.close();
  await smtp?.close();
});

describe('real delivery', () => {
  it('recovers an e-banking user: the user name by e-mail over SMTP, the password by SMS over SMPP, then a login', async () => {
    const r = await line.call(MARIA, UNLOCK, '2 1 1 1 12345678 4821 2580');
    expect(r.outcome).toBe('ebanking_user_recovered');

    const mail = await eventually(() => smtp.received.find((m) => m.envelopeTo.includes('maria.garcia@example.es')), 15_000);
    expect(mail.secure).toBe(true);
    expect(mail.user).toBe('clave');
    expect(mail.parsed.subject).toMatch(/user name/i);
    expect(mail.parsed.headers.get('content-language')).toBe('en');
    expect(mail.parsed.text).toContain('mgarcia');
    expect(mail.parsed.html).toContain('lang="en"');
    expect(mail.parsed.from?.value[0]?.address).toBe('no-reply@bank.example');
    expect(mail.parsed.messageId).toMatch(/@bank\.example>$/);

    const sms = await eventually(() => smsc.messages().find((m) => m.destination.endsWith('600111222')), 15_000);
    const password = /password is (\S+) and/.exec(sms.text)?.[1];
    expect(password).toBeDefined();
    expect(mail.parsed.text).not.toContain(password);
    expect(sms.source).toBe('Clave');
    // Never valid longer than the password: 60 minutes, relative format.
    const vp = /^000000(\d\d)(\d\d)(\d\d)000R$/.exec(sms.validityPeriod);
    const validSeconds = vp ? Number(vp[1]) * 3600 + Number(vp[2]) * 60 + Number(vp[3]) : NaN;
    expect(validSeconds).toBeLessThanOrEqual(3600);
    expect(validSeconds).toBeGreaterThan(3500);

    // Both messages reach a final status: the e-mail at acceptance, the SMS by its receipt.
    const outbox = await eventually(async () => {
      const rows = await line.api<OutboxRecord[]>(`/api/outbox?correlationId=${encodeURIComponent(r.callId)}`);
      return rows.length >= 2 && rows.every((m) => m.status === 'delivered') ? rows : undefined;
    }, 15_000);
    const smsRecord = outbox.find((m) => m.channel === 'sms');
    expect(smsRecord).toMatchObject({ provider: 'smpp', providerId: sms.messageIds[0], secretStored: false, receiptDetail: expect.stringContaining('DELIVRD') as string });
    expect(smsRecord?.deliveryAttempts).toMatchObject([{ attempt: 1, provider: 'smpp', outcome: 'accepted' }]);
    expect(smsRecord?.receipts).toMatchObject([{ provider: 'smpp', status: 'delivered' }]);
    expect(outbox.find((m) => m.channel === 'email')).toMatchObject({ provider: 'smtp', status: 'delivered' });
    expect(JSON.stringify(outbox)).not.toContain(password);

    expect(await line.post('/bank/ebanking/login', { username: 'mgarcia', password })).toMatchObject({ status: 200, body: { status: 'password_change_required' } });
    expect((await line.post('/bank/ebanking/password', { username: 'mgarcia', password, newPassword: 'A-new-long-passw0rd' })).status).toBe(200);
    expect(await line.post('/bank/ebanking/login', { username: 'mgarcia', password: 'A-new-long-passw0rd' })).toMatchObject({ status: 200, body: { status: 'ok' } });

    const metrics = await fetch(`${line.url}/metrics`, { headers: { authorization: 'Bearer test-admin-token-0123456789abcdef' } }).then((res) => res.text());
    expect(metrics).toMatch(/clave_outbox_sent_total\{channel="sms",provider="smpp"\} [1-9]/);
    expect(metrics).toMatch(/clave_outbox_delivered_total\{channel="email",provider="smtp"\} [1-9]/);
    expect(metrics).not.toContain(password);
  }, 60_000);

  it('does not promise an SMS while the SMS centre is failing: the caller hears it and is offered an agent', async () => {
    // The centre refuses every submit as a system error: the line's SMS circuit opens after a few failures.
    smsc.setBehaviour({ commandStatus: 0x08 });
    const before = await line.api<{ channels: { channel: string; available: boolean }[] }>('/api/delivery');
    expect(before.channels.find((c) => c.channel === 'sms')?.available).toBe(true);
    // Each phone-banking recovery sends its access code by SMS; each refused submit counts against
    // the channel, until the line stops offering what needs an SMS.
    const failedSmsAttempts = async () =>
      (await line.api<OutboxRecord[]>('/api/outbox?channel=sms')).flatMap((m) => m.deliveryAttempts).filter((a) => a.outcome === 'unavailable').length;
    let r = await line.call(JOHN, UNLOCK, '2 1 2 2 0 1234567 1357 8642');
    for (let i = 1; r.outcome !== 'service_unavailable' && i < 8; i++) {
      expect(r.outcome).toBe('phonebanking_user_recovered');
      await eventually(async () => ((await failedSmsAttempts()) >= i ? true : undefined), 10_000);
      r = await line.call(JOHN, UNLOCK, '2 1 2 2 0 1234567 1357 8642');
    }
    expect(r.outcome).toBe('service_unavailable');
    const delivery = await line.api<{ channels: { channel: string; provider: string; available: boolean; circuit: string }[] }>('/api/delivery');
    expect(delivery.channels.find((c) => c.channel === 'sms')).toMatchObject({ provider: 'smpp', available: false, circuit: 'open' });
    expect(delivery.channels.find((c) => c.channel === 'email')).toMatchObject({ provider: 'smtp', available: true });
    const heard = r.events.flatMap((e) => (e.type === 'prompt' ? [e.id] : []));
    expect(heard).toContain('messages_unavailable');
    const record = await line.api<CallRecord>(`/api/calls/${r.callId}`);
    expect(JSON.stringify(record.transcript)).toContain('the SMS channel is failing');
    smsc.setBehaviour({ commandStatus: 0 });
  }, 120_000);
});
