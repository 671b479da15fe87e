/**
 * How SIP calls start and end, against the running line with SIPp as the
 * caller: a trunk's OPTIONS ping, CANCEL before the answer, the caller's BYE mid-prompt, a transfer
 * (REFER) refused and accepted, a whole call over TCP, and a late ACK that
 * the line's 2xx retransmissions must survive. The calls are independent and
 * share one line, so they run at once.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callsFrom, endedSipCall, keysOf, promptsOf } from './sipp/call-records.ts';
import { sippCall, UNLOCK_LINE } from './sipp/sipp-call.ts';
import { parseSippTrace, toTag, type TracedMessage } from './sipp/trace.ts';
import { startTestLine, type TestLine } from './support/line.ts';
import { hasSipp, runSipp, SIPP_SKIP_REASON, type SippResult } from './support/sipp.ts';

const CANCEL = fileURLToPath(new URL('./sipp/cancel.xml', import.meta.url));
const OPTIONS = fileURLToPath(new URL('./sipp/options.xml', import.meta.url));
const AGENTS = 'sip:agents@127.0.0.1';
const LUCIA = '+34633444555';

const responses = (trace: TracedMessage[], method: string, status?: number) =>
  trace.filter((m) => m.direction === 'received' && m.method === method && m.status !== 0 && (status === undefined || m.status === status));

describe.skipIf(!hasSipp)(`SIP dialogs${hasSipp ? '' : ` (skipped: ${SIPP_SKIP_REASON})`}`, () => {
  let line: TestLine;
  let target: string;
  beforeAll(async () => {
    line = await startTestLine({ sip: true });
    target = `127.0.0.1:${line.sip?.port ?? 0}`;
  }, 60_000);
  afterAll(async () => {
    await line?.close();
  });

  function expectClean(r: SippResult): TracedMessage[] {
    expect(r.code, r.stdout + r.errors).toBe(0);
    return parseSippTrace(r.messages);
  }

  it.concurrent('answers a trunk OPTIONS ping with 200 and Allow', async () => {
    expectClean(await runSipp({ scenario: await readFile(OPTIONS, 'utf8'), target, service: UNLOCK_LINE, caller: 'trunk', timeoutS: 15 }));
  }, 30_000);

  describe.concurrent('CANCEL right after the 100 Trying', () => {
    const caller = '+34699000100';
    let run: Promise<SippResult> | undefined;
    const cancelled = async () => (run ??= readFile(CANCEL, 'utf8').then((scenario) => runSipp({ scenario, target, service: UNLOCK_LINE, caller, timeoutS: 20, traceMessages: true })));

    it('is answered 200, and the call is refused (487) or, when the 2xx crossed it, recorded as caller_hung_up', async () => {
      const trace = expectClean(await cancelled());
      expect(responses(trace, 'CANCEL').map((m) => m.status)).toEqual([200]);
      const final = responses(trace, 'INVITE').filter((m) => m.status >= 200);
      if (final[0]?.status === 487) {
        // RFC 3261 §9.2: not yet answered, so 487; the ACK stops its retransmission and no call starts.
        expect(final.map((m) => m.status)).toEqual([487]);
        await new Promise((r) => setTimeout(r, 1000));
        expect(await callsFrom(line, caller)).toEqual([]);
      } else {
        // The line answers in the same turn as it reads the INVITE: its 200 crossed the CANCEL, which
        // then "has no effect" (§9.2). The ACK starts the call, the caller's BYE ends it at once.
        expect(final.map((m) => m.status)).toEqual([200]);
        expect(responses(trace, 'BYE').map((m) => m.status)).toEqual([200]);
        const record = await endedSipCall(line, { caller });
        expect(record.outcome).toBe('caller_hung_up');
        expect(keysOf(record)).toEqual([]);
        expect(record.transcript.at(-1)).toMatchObject({ type: 'hangup', by: 'caller' });
      }
    }, 40_000);

    it('answers the CANCEL with the To tag of its answer to the INVITE (RFC 3261 §9.2)', async () => {
      const trace = expectClean(await cancelled());
      // §9.2: "The To tag of the response to the CANCEL and the To tag in the response to the original request SHOULD be the same."
      const invite = responses(trace, 'INVITE').find((m) => m.status >= 200);
      const cancel = responses(trace, 'CANCEL', 200)[0];
      expect(invite && toTag(invite)).toMatch(/\S/);
      expect(cancel && toTag(cancel)).toBe(invite && toTag(invite));
    }, 40_000);
  });

  describe.concurrent('calls', () => {
    it('the caller hangs up during the first prompt: BYE answered 200, outcome caller_hung_up', async () => {
      const caller = '+34699000101';
      const trace = expectClean(await sippCall({ target, caller, keys: '', mode: 'info', startMs: 0, end: { kind: 'caller-bye', afterMs: 1000 }, timeoutS: 30, traceMessages: true }));
      const sent = (method: string) => trace.find((m) => m.direction === 'sent' && m.method === method)?.at ?? Number.NaN;
      expect(sent('BYE') - sent('ACK')).toBeGreaterThan(950);
      expect(responses(trace, 'BYE').map((m) => m.status)).toEqual([200]);
      const record = await endedSipCall(line, { caller });
      expect(record.outcome).toBe('caller_hung_up');
      expect(promptsOf(record)).toEqual(['language_menu']);
      const hangup = record.transcript.at(-1);
      expect(hangup).toMatchObject({ type: 'hangup', by: 'caller' });
      // Mid-prompt: a second in, long before the language menu ends.
      expect(hangup?.at).toBeGreaterThanOrEqual(900);
      expect(record.durationMs).toBeLessThan(4000);
    }, 40_000);

    it('a transfer refused with 403: the line says so, then BYE; outcome service_unavailable', async () => {
      const caller = '+34699000102';
      const trace = expectClean(await sippCall({ target, caller, keys: '2 0', mode: 'rfc4733', end: { kind: 'refer', status: 403, reason: 'Forbidden' }, timeoutS: 60, traceMessages: true }));
      const refer = trace.find((m) => m.direction === 'received' && m.method === 'REFER');
      expect(refer?.text).toMatch(new RegExp(`^Refer-To:\\s*<${AGENTS}>`, 'im'));
      const record = await endedSipCall(line, { caller, menu: ['2', '0'] });
      expect(record.outcome).toBe('service_unavailable');
      expect(promptsOf(record)).toEqual(['language_menu', 'main_menu', 'transfer_agent', 'transfer_failed', 'goodbye']);
      const transfer = record.transcript.find((e) => e.type === 'transfer');
      expect(transfer).toMatchObject({ target: AGENTS, result: 'refused' });
      const hangup = record.transcript.at(-1);
      expect(hangup).toMatchObject({ type: 'hangup', by: 'line' });
      // The BYE came after the transfer_failed and goodbye prompts were played, not in place of them.
      expect((hangup?.at ?? 0) - (transfer?.at ?? 0)).toBeGreaterThan(3000);
      const bye = trace.find((m) => m.direction === 'received' && m.method === 'BYE' && m.status === 0);
      expect((bye?.at ?? 0) - (refer?.at ?? 0)).toBeGreaterThan(3000);
    }, 60_000);

    it('a transfer accepted with 202: outcome transferred_to_agent, then the line leaves with BYE', async () => {
      const caller = '+34699000103';
      expectClean(await sippCall({ target, caller, keys: '2 0', mode: 'info', end: { kind: 'refer', status: 202, reason: 'Accepted' }, timeoutS: 60 }));
      const record = await endedSipCall(line, { caller, menu: ['2', '0'] });
      expect(record.outcome).toBe('transferred_to_agent');
      expect(record.transcript.find((e) => e.type === 'transfer')).toMatchObject({ target: AGENTS, result: 'completed' });
      expect(record.transcript.at(-1)).toMatchObject({ type: 'hangup', by: 'line' });
    }, 60_000);

    it('a whole call over TCP: signature unlock (Lucía), keys by SIP INFO', async () => {
      expect((await line.bank.getCustomer('CUS-0004'))?.signature.status).toBe('blocked');
      const trace = expectClean(
        await sippCall({ target, caller: LUCIA, keys: '2 3 1 1 71593024 1122 9517', mode: 'info', transport: 't1', timeoutS: 75, traceMessages: true }),
      );
      expect(trace.length).toBeGreaterThan(20);
      expect(trace.filter((m) => m.transport !== 'TCP')).toEqual([]);
      // The line's BYE came back over the caller's connection.
      expect(trace.filter((m) => m.direction === 'received' && m.method === 'BYE' && m.status === 0)).toHaveLength(1);
      const record = await endedSipCall(line, { caller: LUCIA, menu: ['2', '3', '1'] });
      expect(record.outcome).toBe('signature_unlocked');
      expect(keysOf(record)).toEqual(['2', '3', '1', '1', '71593024', '1122', '****']);
      expect((await line.bank.getCustomer('CUS-0004'))?.signature.status).toBe('active');
    }, 90_000);

    it('an ACK held back 2 s: the line retransmits its 200 at T1, 2·T1 (RFC 3261 §13.3.1.4), stops at the ACK, and the call goes on', async () => {
      const caller = '+34699000104';
      const trace = expectClean(
        await sippCall({ target, caller, keys: '2 0', mode: 'rfc4733', ackDelayMs: 2000, end: { kind: 'refer', status: 202, reason: 'Accepted' }, timeoutS: 60, traceMessages: true }),
      );
      const oks = responses(trace, 'INVITE', 200);
      const ack = trace.find((m) => m.direction === 'sent' && m.method === 'ACK');
      expect(ack).toBeDefined();
      // Sent at 0, 0.5 s and 1.5 s; the next would be at 3.5 s, after the ACK at 2 s.
      expect(oks).toHaveLength(3);
      const gaps = oks.slice(1).map((m, i) => m.at - (oks[i]?.at ?? 0));
      expect(gaps[0]).toBeGreaterThan(400);
      expect(gaps[0]).toBeLessThan(800);
      expect(gaps[1]).toBeGreaterThan(900);
      expect(gaps[1]).toBeLessThan(1300);
      expect(oks.every((m) => m.at < (ack?.at ?? 0))).toBe(true);
      expect(new Set(oks.map((m) => toTag(m))).size).toBe(1);
      const record = await endedSipCall(line, { caller, menu: ['2', '0'] });
      expect(record.outcome).toBe('transferred_to_agent');
      expect(keysOf(record)).toEqual(['2', '0']);
    }, 60_000);
  });
});
