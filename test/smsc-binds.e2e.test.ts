/**
 * An SMS centre that drops its binds and refuses new ones, under a running
 * line: the SMS channel goes down, a caller whose service needs an SMS hears
 * that messages cannot be sent now and is offered an agent, and nothing is
 * changed at the bank; when the centre takes binds again the line rebinds by
 * itself and the same service works, its code reaching the centre.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../src/call/index.ts';
import { startTestSmsc, type OutboxRecord, type TestSmsc } from '../src/notify/index.ts';
import { eventually, prompts, startTestLine, type TestLine } from './support/line.ts';

const UNLOCK = '950183313';
const JOHN = '+34611222333';
const PHONEBANKING = '2 1 2 2 0 1234567 1357 8642';

let smsc: TestSmsc;
let line: TestLine;

beforeAll(async () => {
  smsc = await startTestSmsc({ autoReceipt: { stat: 'DELIVRD', delayMs: 50 } });
  line = await startTestLine({ env: { CLAVE_SMPP_URL: smsc.url } });
}, 60_000);

afterAll(async () => {
  await line?.close();
  await smsc?.close();
});

const smsChannel = async () =>
  (await line.api<{ channels: { channel: string; available: boolean; connection: string | null }[] }>('/api/delivery')).channels.find((c) => c.channel === 'sms');

describe('an SMS centre dropping its binds', () => {
  it('takes the SMS channel down: callers are told, nothing changes at the bank; rebinding brings it back by itself', async () => {
    await eventually(async () => ((await smsChannel())?.available ? true : undefined), 15_000);
    const bindsBefore = smsc.binds;
    // Every bound connection is cut, and the centre refuses the line's password from now on.
    smsc.setBehaviour({ password: 'not-the-line-password' });
    smsc.dropConnections();
    const down = await eventually(async () => {
      const c = await smsChannel();
      return c && !c.available ? c : undefined;
    }, 15_000);
    expect(down.connection).not.toBe('up');

    const refused = await line.call(JOHN, UNLOCK, PHONEBANKING);
    expect(refused.outcome).toBe('service_unavailable');
    expect(prompts(refused)).toContain('messages_unavailable');
    const record = await line.api<CallRecord>(`/api/calls/${refused.callId}`);
    expect(JSON.stringify(record.transcript)).toContain('the SMS channel is failing');
    // Nothing promised, nothing changed: no message for the call, no action at the bank.
    expect(await line.api<OutboxRecord[]>(`/api/outbox?correlationId=${encodeURIComponent(refused.callId)}`)).toEqual([]);
    const actions = await line.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM services_actions WHERE call_id = $1`, [refused.callId]);
    expect(actions[0]?.n).toBe(0);

    // The centre takes binds again: the line rebinds without help, and the service runs.
    smsc.setBehaviour({ password: null });
    await eventually(async () => ((await smsChannel())?.available ? true : undefined), 60_000);
    expect(smsc.binds).toBeGreaterThan(bindsBefore);
    const served = await line.call(JOHN, UNLOCK, PHONEBANKING);
    expect(served.outcome).toBe('phonebanking_user_recovered');
    const sms = await eventually(() => smsc.messages().find((m) => m.destination.endsWith('611222333')), 15_000);
    expect(sms.text).toMatch(/\d{4,}/);
  }, 120_000);
});
