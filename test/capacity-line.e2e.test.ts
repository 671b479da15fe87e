/**
 * Issue 6, surge handling, on the whole line as `npm start` runs it:
 * CLAVE_MAX_CALLS and CLAVE_AT_CAPACITY from the environment, a SIP call
 * holding the only place, and the next callers over SIP and the softphone.
 *
 * reject: SIP 503 with Retry-After; the softphone gets the error AT_CAPACITY.
 * announce: both are answered, told the lines are busy, hung up on, and
 * recorded refused_at_capacity.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../src/call/index.ts';
import { eventually, prompts, startTestLine, type TestLine } from './support/line.ts';
import { UdpSipCaller } from './support/udp-sip-caller.ts';

const UNLOCK = '950183313';
const from = (n: number) => `+3460088${String(n).padStart(4, '0')}`;

describe('CLAVE_AT_CAPACITY=reject', () => {
  let line: TestLine;
  beforeAll(async () => {
    line = await startTestLine({ sip: true, env: { CLAVE_MAX_CALLS: '1', CLAVE_AT_CAPACITY: 'reject' } });
  }, 120_000);
  afterAll(async () => {
    await line?.close();
  });

  it('refuses the caller beyond capacity: SIP 503 with Retry-After, softphone AT_CAPACITY; the call in progress goes on', async () => {
    const target = `127.0.0.1:${line.sip!.port}`;
    const first = await UdpSipCaller.open();
    const second = await UdpSipCaller.open();
    try {
      expect(await first.invite({ target, dialed: UNLOCK, from: from(1) })).toBe(200);
      expect(await second.invite({ target, dialed: UNLOCK, from: from(2) })).toBe(503);
      expect(second.messages.find((m) => m.status === 503)?.headers.get('retry-after')).toEqual(['10']);
      await expect(line.call(from(3), UNLOCK, '')).rejects.toThrow(/AT_CAPACITY/);
      expect(first.lineHungUp).toBe(false);
    } finally {
      await second.bye();
      await first.bye();
    }
    const ended = await eventually(async () => {
      const calls = await line.api<CallRecord[]>(`/api/calls?from=${encodeURIComponent(from(1))}&state=ended`);
      return calls[0];
    }, 10_000);
    expect(ended.outcome).toBe('caller_hung_up');
    expect(await line.api<CallRecord[]>(`/api/calls?from=${encodeURIComponent(from(2))}`)).toEqual([]);
  }, 60_000);
});

describe('CLAVE_AT_CAPACITY=announce', () => {
  let line: TestLine;
  beforeAll(async () => {
    line = await startTestLine({ sip: true, env: { CLAVE_MAX_CALLS: '1', CLAVE_AT_CAPACITY: 'announce' } });
  }, 120_000);
  afterAll(async () => {
    await line?.close();
  });

  it('tells the callers beyond capacity that the lines are busy and hangs up, over SIP and the softphone', async () => {
    const target = `127.0.0.1:${line.sip!.port}`;
    const first = await UdpSipCaller.open();
    const second = await UdpSipCaller.open();
    try {
      expect(await first.invite({ target, dialed: UNLOCK, from: from(11) })).toBe(200);
      const softphone = await line.call(from(12), UNLOCK, '');
      expect(softphone.outcome).toBe('refused_at_capacity');
      expect(prompts(softphone)).toEqual(['lines_busy', 'lines_busy']);
      expect(await second.invite({ target, dialed: UNLOCK, from: from(13) })).toBe(200);
      await eventually(() => (second.lineHungUp ? true : undefined), 30_000);
      expect(second.rtp.length).toBeGreaterThan(50);
      expect(first.lineHungUp).toBe(false);
    } finally {
      await second.bye();
      await first.bye();
    }
    const refused = await eventually(async () => {
      const calls = await line.api<CallRecord[]>(`/api/calls?outcome=refused_at_capacity`);
      return calls.length === 2 ? calls : undefined;
    }, 10_000);
    expect(refused.map((c) => [c.caller, c.channel]).sort()).toEqual([[from(12), 'softphone'], [from(13), 'sip']]);
  }, 90_000);
});
