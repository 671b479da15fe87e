import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryReceipt } from '../types.ts';
import type { SmppChannel } from './smpp-channel.ts';
import { encodeUcs2 } from './sms-encoding.ts';
import { startTestSmsc, type TestSmsc } from './test-smsc.ts';
import { channelTo, failure, sms, waitFor } from './test-helpers.ts';

let smsc: TestSmsc;
let channel: SmppChannel;

async function start(options: Parameters<typeof startTestSmsc>[0] = {}): Promise<void> {
  smsc = await startTestSmsc(options);
  channel = channelTo(smsc);
}

function withoutAt({ at: _at, ...rest }: DeliveryReceipt): Omit<DeliveryReceipt, 'at'> {
  return rest;
}

afterEach(async () => {
  await channel.close();
  await smsc.close();
});

describe('SMPP channel against the test SMS centre', () => {
  it('binds and submits a short GSM message with registered delivery', async () => {
    await start();
    const result = await channel.deliver(sms());
    expect(result).toEqual({ providerId: '00000001', providerRefs: ['00000001'], awaitingReceipt: true });
    expect(channel.connectionState()).toBe('up');
    expect(smsc.binds).toBe(1);
    expect(smsc.submits).toHaveLength(1);
    expect(smsc.submits[0]).toMatchObject({
      destination: '34600000001', source: 'Clave', text: 'Tu usuario es ana.garcia', dataCoding: 0, esmClass: 0, udh: null,
      validityPeriod: '', registeredDelivery: 1, shortMessage: Buffer.from('Tu usuario es ana.garcia'),
    });
  });

  it('sends Spanish accents outside GSM 03.38 as UCS-2', async () => {
    await start();
    const text = 'Tu código temporal es 4821. Válido 15 minutos.';
    await channel.deliver(sms({ text }));
    expect(smsc.submits[0]).toMatchObject({ text, dataCoding: 8, esmClass: 0, shortMessage: encodeUcs2(text) });
  });

  it('splits a long message into concatenated parts the centre reassembles', async () => {
    await start();
    const text = `Hola Ana. ${'Su nueva clave de acceso a la banca en línea ya está activa. '.repeat(3)}Fin. Ok`;
    expect(text.length).toBe(200); // UCS-2 (í, á): 67 + 67 + 66 units
    const result = await channel.deliver(sms({ text }));
    expect(result.providerRefs).toEqual(['00000001', '00000002', '00000003']);
    expect(result.providerId).toBe('00000001');
    expect(smsc.submits.map((s) => ({ esm: s.esmClass, total: s.concat?.total, seq: s.concat?.seq, octets: s.shortMessage.length }))).toEqual([
      { esm: 0x40, total: 3, seq: 1, octets: 140 }, { esm: 0x40, total: 3, seq: 2, octets: 140 }, { esm: 0x40, total: 3, seq: 3, octets: 138 },
    ]);
    expect(new Set(smsc.submits.map((s) => s.concat?.ref)).size).toBe(1);
    expect(smsc.messages()).toEqual([{
      destination: '34600000001', source: 'Clave', text, dataCoding: 8, messageIds: ['00000001', '00000002', '00000003'], validityPeriod: '',
    }]);
  });

  it('sets validity_period to the time left, rounded down, and refuses an expired message unsent', async () => {
    await start();
    await channel.deliver(sms({ expiresAt: new Date(Date.now() + 10 * 60_000 + 500) }));
    expect(smsc.submits[0]?.validityPeriod).toBe('000000001000000R');
    const expired = await failure(channel.deliver(sms({ expiresAt: new Date(Date.now() - 1) })));
    expect(expired.code).toBe('DELIVERY_REJECTED');
    expect(smsc.submits).toHaveLength(1);
  });

  it('turns delivery receipts into delivered and failed events, and ignores non-final ones', async () => {
    await start({ autoReceipt: { stat: 'DELIVRD', delayMs: 5 } });
    const receipts: DeliveryReceipt[] = [];
    channel.onReceipt((r) => receipts.push(r));
    const { providerId } = await channel.deliver(sms());
    await waitFor(() => receipts.length === 1);
    expect(receipts.map(withoutAt)).toEqual([{ provider: 'smpp', providerRef: providerId, status: 'delivered', detail: 'stat:DELIVRD err:000' }]);
    expect(Math.abs(receipts[0]!.at.getTime() - Date.now())).toBeLessThan(1_000);

    smsc.setBehaviour({ autoReceipt: null });
    const second = await channel.deliver(sms({ id: 'msg-2' }));
    await smsc.sendReceipt(second.providerId, 'ENROUTE');
    await smsc.sendReceipt(second.providerId, 'UNDELIV', { tlvs: false });
    expect(receipts.slice(1).map(withoutAt)).toEqual([{ provider: 'smpp', providerRef: second.providerId, status: 'failed', detail: 'stat:UNDELIV err:001' }]);
  });

  it('stops calling a listener once unsubscribed', async () => {
    await start();
    const seen: string[] = [];
    const off = channel.onReceipt((r) => seen.push(r.providerRef));
    const { providerId } = await channel.deliver(sms());
    off();
    await smsc.sendReceipt(providerId, 'DELIVRD');
    expect(seen).toEqual([]);
  });

  it('refuses for good what the centre refuses for good, and never echoes the text', async () => {
    await start({ commandStatus: 0x0b });
    const text = 'Clave temporal 918273';
    const refused = await failure(channel.deliver(sms({ text })));
    expect(refused.code).toBe('DELIVERY_REJECTED');
    expect(refused.details).toEqual({ part: 1, parts: 1, commandStatus: '0x0000000b' });
    smsc.setBehaviour({ commandStatus: 0x08 });
    const failed = await failure(channel.deliver(sms({ text })));
    expect(failed.code).toBe('DELIVERY_UNAVAILABLE');
    for (const err of [refused, failed]) expect(`${err.message} ${JSON.stringify(err.details)}`).not.toContain('918273');
  });

  it('refuses a destination that is not a phone number without submitting', async () => {
    await start();
    const refused = await failure(channel.deliver(sms({ to: 'ana@example.com' })));
    expect([refused.code, refused.details]).toEqual(['DELIVERY_REJECTED', { reason: 'invalid_destination' }]);
    expect(smsc.submits).toHaveLength(0);
  });

  it('answers the centre\'s enquire_link', async () => {
    await start();
    await channel.deliver(sms());
    await smsc.enquireLink();
    expect(smsc.binds).toBe(1);
  });

  it('unbinds on close and refuses deliveries afterwards', async () => {
    await start();
    await channel.deliver(sms());
    await channel.close();
    await channel.close(); // idempotent
    expect(smsc.unbinds).toBe(1);
    expect(channel.connectionState()).toBe('down');
    await waitFor(() => smsc.sessions === 0);
    const refused = await failure(channel.deliver(sms()));
    expect([refused.code, refused.details]).toEqual(['DELIVERY_UNAVAILABLE', { reason: 'closed' }]);
  });
});
