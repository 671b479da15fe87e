/**
 * Issue 6, surge handling, with SIPp: a burst at ten times a small capacity
 * (CLAVE_MAX_CALLS=3, 30 calls in about a second) against a running line.
 * Each call is the surge scenario (test/sipp/surge-scenario.ts): two RFC
 * 4733 keys, an agent by SIP INFO, the line's REFER and BYE, taking a 503
 * or an early BYE from the line as well; SIPp's message log says how each
 * ended, the call records what the line did.
 *
 * reject: every call beyond capacity gets 503 with Retry-After, nothing else.
 * announce: beyond capacity, the spoken refusal and a BYE, recorded
 * refused_at_capacity, up to the refusals' own bound; beyond it, 503.
 * Both: the admitted calls complete with their outcome recorded, their
 * number never exceeds the capacity at any moment (the line's own count,
 * sampled, and the calls' spans as SIPp and the records saw them), and none
 * is dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../src/call/index.ts';
import { pressCaptures } from './sipp/dtmf-captures.ts';
import { loggedCalls, type LoggedCall } from './sipp/message-log.ts';
import { surgeScenario, surgeScenarioKeys } from './sipp/surge-scenario.ts';
import { keysOf, promptsOf } from './sipp/call-records.ts';
import { eventually, startTestLine, type TestLine } from './support/line.ts';
import { peak } from './support/peak.ts';
import { hasSipp, runSipp, SIPP_SKIP_REASON } from './support/sipp.ts';

const UNLOCK = '950183313';
const CAPACITY = 3;
const CALLS = 30;
const SCENARIO = { presses: [{ key: '2', waitMs: 1500 }, { key: '1', waitMs: 1200 }], agentAfterMs: 1200 };

interface Burst {
  calls: LoggedCall[];
  /** The calls the line answered 200 (admitted, or told it is full), and those it refused with a final answer. */
  answered: LoggedCall[];
  refused: LoggedCall[];
  records: Map<string, CallRecord>;
  /** The line's count of admitted calls, sampled every millisecond or so during the burst. */
  mostAdmitted: number;
}

/** A line of CAPACITY places started before the tests of this describe block, closed after them. */
function lineAtCapacity(env: Record<string, string>): () => TestLine {
  let line: TestLine | undefined;
  beforeAll(async () => {
    line = await startTestLine({ sip: true, env: { CLAVE_MAX_CALLS: String(CAPACITY), ...env } });
  }, 120_000);
  afterAll(async () => {
    await line?.close();
  });
  return () => line!;
}

async function burst(line: TestLine, caller: string): Promise<Burst> {
  let mostAdmitted = 0;
  const sampler = setInterval(() => (mostAdmitted = Math.max(mostAdmitted, line.line.stats().calls)), 1);
  const result = await runSipp({
    scenario: surgeScenario(SCENARIO),
    files: pressCaptures(surgeScenarioKeys(SCENARIO)),
    target: `127.0.0.1:${line.sip!.port}`,
    service: UNLOCK,
    caller,
    calls: CALLS,
    rate: CALLS,
    timeoutS: 40,
    traceMessages: true,
  });
  clearInterval(sampler);
  expect(result.code, result.stdout + result.errors).toBe(0);
  const calls = loggedCalls(result.messages);
  expect(calls).toHaveLength(CALLS);
  const answered = calls.filter((c) => c.finalStatus === 200);
  const refused = calls.filter((c) => c.finalStatus !== 200);
  // Every call's record is written when it ends; the 503s leave none.
  const records = await eventually(async () => {
    const ended = await line.api<CallRecord[]>(`/api/calls?state=ended&limit=${CALLS * 2}`);
    const ours = ended.filter((r) => r.caller.startsWith(caller));
    return ours.length === answered.length ? new Map(ours.map((r) => [r.caller, r])) : undefined;
  }, 10_000);
  return { calls, answered, refused, records, mostAdmitted };
}

/** What both modes promise of the admitted calls. */
function expectAdmittedComplete(b: Burst, admitted: LoggedCall[]): void {
  expect(admitted).toHaveLength(CAPACITY);
  for (const call of admitted) {
    // The whole scenario: the transfer (REFER, answered 202) and the line's BYE, answered 200.
    expect(call.referAt, call.from).not.toBeNull();
    expect(call.byeAnswered, call.from).toBe(true);
    const record = b.records.get(call.from);
    expect(record?.outcome, call.from).toBe('transferred_to_agent');
    expect(keysOf(record!)).toEqual(['2', '1', '0']);
    expect(promptsOf(record!)).toEqual(['language_menu', 'main_menu', 'user_menu', 'transfer_agent']);
  }
  // Never more admitted calls than places: the line's own count, and the spans seen from both ends.
  expect(b.mostAdmitted).toBe(CAPACITY);
  expect(peak(admitted.map((c) => [c.finalAt!, c.byeAt!]))).toBe(CAPACITY);
  const spans = admitted.map((c) => b.records.get(c.from)!).map((r): [number, number] => [Date.parse(r.startedAt), Date.parse(r.endedAt!)]);
  expect(peak(spans)).toBe(CAPACITY);
}

describe.skipIf(!hasSipp)(`a burst at ten times capacity${hasSipp ? '' : ` (skipped: ${SIPP_SKIP_REASON})`}`, () => {
  describe('CLAVE_AT_CAPACITY=reject', () => {
    const line = lineAtCapacity({ CLAVE_AT_CAPACITY: 'reject', CLAVE_RETRY_AFTER_SECONDS: '7' });

    it('refuses every call beyond capacity with 503 and Retry-After; the admitted calls complete', async () => {
      const b = await burst(line(), '+34611');
      expect(b.refused).toHaveLength(CALLS - CAPACITY);
      for (const call of b.refused) {
        expect([call.finalStatus, call.retryAfter], call.from).toEqual([503, '7']);
        expect(call.byeAt, call.from).toBeNull();
      }
      expectAdmittedComplete(b, b.answered);
      // A 503 is all a refused caller gets: no record, nothing spoken.
      expect(b.records.size).toBe(CAPACITY);
      expect(line().line.stats()).toMatchObject({ calls: 0, refusedTotal: CALLS - CAPACITY, announcedTotal: 0 });
    }, 60_000);
  });

  describe('CLAVE_AT_CAPACITY=announce', () => {
    const line = lineAtCapacity({ CLAVE_AT_CAPACITY: 'announce' });

    it('tells the callers beyond capacity that the lines are busy and hangs up, 503 beyond the refusals\' bound; the admitted calls complete', async () => {
      const b = await burst(line(), '+34612');
      const admitted = b.answered.filter((c) => b.records.get(c.from)?.outcome !== 'refused_at_capacity');
      const told = b.answered.filter((c) => b.records.get(c.from)?.outcome === 'refused_at_capacity');
      // The refusals have places of their own: 1.25 × 3, at least one more than the capacity, so 4 in all.
      expect(told).toHaveLength(1);
      for (const call of told) {
        const record = b.records.get(call.from)!;
        expect(promptsOf(record)).toEqual(['lines_busy', 'lines_busy']);
        expect(keysOf(record)).toEqual([]);
        // The line hung up on them (its BYE, answered), before any transfer.
        expect(call.byeAnswered, call.from).toBe(true);
        expect(call.referAt, call.from).toBeNull();
      }
      expect(b.refused).toHaveLength(CALLS - CAPACITY - told.length);
      for (const call of b.refused) expect([call.finalStatus, call.retryAfter], call.from).toEqual([503, '10']);
      expectAdmittedComplete(b, admitted);
      expect(line().line.stats()).toMatchObject({ calls: 0, brief: 0, announcedTotal: told.length, refusedTotal: b.refused.length });
    }, 60_000);
  });
});
