import { afterEach, describe, expect, it } from 'vitest';
import type { SmppChannel } from './smpp-channel.ts';
import { startTestSmsc, type TestSmsc } from './test-smsc.ts';
import { channelTo, failure, sms, waitFor } from './test-helpers.ts';

let smsc: TestSmsc;
let channel: SmppChannel | undefined;

afterEach(async () => {
  await channel?.close();
  channel = undefined;
  await smsc.close();
});

describe('SMPP channel when the centre misbehaves', () => {
  it('holds back after throttling, for a growing pause, then gets through', async () => {
    smsc = await startTestSmsc({ throttleNext: 2 });
    channel = channelTo(smsc, { throttlePauseMs: 200 });
    const first = await failure(channel.deliver(sms()));
    expect([first.code, first.details]).toEqual(['DELIVERY_THROTTLED', { part: 1, parts: 1, commandStatus: '0x00000058', retryAfterMs: 200 }]);
    const second = await failure(channel.deliver(sms()));
    expect([second.code, second.details.retryAfterMs]).toEqual(['DELIVERY_THROTTLED', 400]);
    const result = await channel.deliver(sms());
    expect(result.providerId).toBe('00000003');
    const at = smsc.submits.map((s) => s.receivedAt.getTime());
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(190);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(390);
  });

  it('reports a submit cut off by a dropped connection as OUTCOME_UNKNOWN, rebinds, and resends the same text', async () => {
    smsc = await startTestSmsc();
    channel = channelTo(smsc);
    await channel.deliver(sms({ id: 'warm-up' }));
    smsc.setBehaviour({ dropAfterSubmits: 1 });
    const text = 'Su clave temporal es 918273';
    const lost = await failure(channel.deliver(sms({ text })));
    expect([lost.code, lost.details]).toEqual(['DELIVERY_OUTCOME_UNKNOWN', { part: 1, parts: 1, reason: 'connection_lost' }]);
    expect(lost.message).not.toContain('918273');
    await waitFor(() => channel?.connectionState() === 'up' && smsc.binds === 2);
    const retried = await channel.deliver(sms({ text }));
    expect(retried.providerId).toBe('00000003');
    expect(smsc.submits.map((s) => s.text)).toEqual(['Tu usuario es ana.garcia', text, text]);
  });

  it('reports a submit the centre never answers as OUTCOME_UNKNOWN after the response timeout, keeping the link', async () => {
    smsc = await startTestSmsc({ neverAnswer: 1 });
    channel = channelTo(smsc, { responseTimeoutMs: 300 });
    await waitFor(() => channel?.connectionState() === 'up');
    const started = Date.now();
    const lost = await failure(channel.deliver(sms()));
    expect([lost.code, lost.details]).toEqual(['DELIVERY_OUTCOME_UNKNOWN', { part: 1, parts: 1, reason: 'no_response', timeoutMs: 300 }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect((await channel.deliver(sms())).providerId).toBe('00000002');
    expect(smsc.binds).toBe(1);
  });

  it('reports a long message whose later part failed as OUTCOME_UNKNOWN: a retry repeats the first part', async () => {
    smsc = await startTestSmsc({ commandStatus: (submit) => (submit.concat?.seq === 2 ? 0x08 : 0) });
    channel = channelTo(smsc);
    const lost = await failure(channel.deliver(sms({ text: 'a'.repeat(200) })));
    expect([lost.code, lost.details]).toEqual([
      'DELIVERY_OUTCOME_UNKNOWN', { part: 2, parts: 2, commandStatus: '0x00000008', partsAccepted: 1, cause: 'DELIVERY_UNAVAILABLE' },
    ]);
    expect(smsc.submits.map((s) => s.status)).toEqual([0, 0x08]);
  });

  it('keeps at most `window` submits awaiting a response from a slow centre', async () => {
    smsc = await startTestSmsc({ responseDelayMs: 60 });
    channel = channelTo(smsc, { window: 3 });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => channel!.deliver(sms({ id: `m${i}` }))));
    expect(results.map((r) => r.providerId).sort()).toEqual(smsc.submits.map((s) => s.messageId).sort());
    expect(smsc.submits).toHaveLength(12);
    expect(smsc.maxOutstanding).toBe(3);
  });

  it('sends enquire_link on an idle link and stays bound while it is answered', async () => {
    smsc = await startTestSmsc();
    channel = channelTo(smsc, { enquireLinkMs: 100 });
    await waitFor(() => smsc.enquireLinks >= 3);
    expect(smsc.binds).toBe(1);
    expect(channel.connectionState()).toBe('up');
  });

  it('takes an unanswered enquire_link as a dead link and binds again', async () => {
    smsc = await startTestSmsc({ answerEnquireLink: false });
    channel = channelTo(smsc, { enquireLinkMs: 100, responseTimeoutMs: 150 });
    await waitFor(() => smsc.binds >= 2);
    expect(smsc.enquireLinks).toBeGreaterThanOrEqual(1);
  });

  it('gives DELIVERY_UNAVAILABLE when no bind comes within the short wait', async () => {
    smsc = await startTestSmsc();
    const { port } = smsc;
    await smsc.close();
    smsc = await startTestSmsc();
    channel = channelTo(smsc, { port, bindWaitMs: 200, reconnectMinMs: 1_000 });
    const started = Date.now();
    const refused = await failure(channel.deliver(sms()));
    expect([refused.code, refused.details]).toEqual(['DELIVERY_UNAVAILABLE', { reason: 'not_bound' }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(channel.connectionState()).toBe('down');
  });

  it('does not bind with a wrong password', async () => {
    smsc = await startTestSmsc({ password: 'right' });
    channel = channelTo(smsc, { password: 'wrong', bindWaitMs: 200 });
    const refused = await failure(channel.deliver(sms()));
    expect(refused.code).toBe('DELIVERY_UNAVAILABLE');
    expect(smsc.binds).toBe(0);
  });
});
