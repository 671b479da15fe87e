/**
 * A whole call from a real softphone: Debian's baresip, headless, dials the
 * unlock line, presses the keys with its own RFC 4733 telephone-events and
 * is hung up on by the line; the outcome is read back through the API and
 * the bank.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../src/call/index.ts';
import { Baresip, BARESIP_SKIP_REASON, hasBaresip } from './support/baresip.ts';
import { eventually, startTestLine, type TestLine } from './support/line.ts';

const MARIA = '+34600111222';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!hasBaresip)(`a call from baresip${hasBaresip ? '' : ` (skipped: ${BARESIP_SKIP_REASON})`}`, () => {
  let line: TestLine;
  let phone: Baresip | undefined;
  beforeAll(async () => {
    line = await startTestLine({ sip: true });
  }, 120_000);
  afterAll(async () => {
    await phone?.stop();
    await line?.close();
  });

  it('recovers an e-banking user with keys sent as RFC 4733 events, and the line hangs up', async () => {
    const since = new Date().toISOString();
    phone = await Baresip.start({ aor: `sip:${MARIA}@127.0.0.1` });
    const dialed = await phone.command('dial', `sip:950183313@127.0.0.1:${line.sip!.port}`);
    expect(dialed.ok, phone.output).toBe(true);
    await phone.waitFor('CALL_ESTABLISHED', 10_000);
    // baresip saw our RTP: the media path works both ways.
    await phone.waitFor('CALL_RTPESTAB', 5000);
    for (const key of '2 1 1 1 12345678 4821 2580'.replace(/\s/g, '')) {
      // One press per command: baresip queues a start and a release (three end packets).
      expect((await phone.command('sndcode', key)).ok).toBe(true);
      await sleep(250);
    }
    const closed = await phone.waitFor('CALL_CLOSED', 60_000);
    // baresip reports a BYE it received as ECONNRESET: the line hung up, not the phone.
    expect(closed.param, phone.output.slice(-3000)).toBe('Connection reset by peer');

    const call = await eventually(async () => {
      const calls = await line.api<CallRecord[]>(`/api/calls?from=${encodeURIComponent(MARIA)}&state=ended`);
      return calls.find((c) => c.startedAt >= since && c.channel === 'sip');
    }, 20_000);
    expect(call.outcome).toBe('ebanking_user_recovered');
    expect(call.language).toBe('en');
    expect(call.transcript.at(-1)).toMatchObject({ type: 'hangup', by: 'line' });
    // Every key heard once: the DNI arrived whole, and no stray digit reached a later menu.
    const keys = call.transcript.flatMap((t) => (t.type === 'keys' ? [t.value] : []));
    expect(keys).toEqual(['2', '1', '1', '1', '12345678', '4821', '****']);
    expect((await line.bank.getCustomer('CUS-0001'))?.ebanking?.status).not.toBe('locked');
  }, 120_000);
});
