// Issue 6: surge handling on SIP. Admission is decided at the INVITE, before
// any media or dialog exists; a full line answers 503 with Retry-After.
import { describe, expect, it } from 'vitest';
import { getHeader } from '../grammar/index.ts';
import type { SipRequest } from '../grammar/message.ts';
import { ClaveError } from '../../../shared/index.ts';
import { sipMessage, TestCaller } from './testing/test-caller.ts';
import { uaHarness } from './testing/ua-harness.ts';

const statuses = (h: ReturnType<typeof uaHarness>, method: string) => h.responses(method).map((r) => r.status);

let callers = 0;
/** A caller with a call of its own (the harness' default Call-ID would be a merged request, 482). */
function caller(): TestCaller {
  callers++;
  return new TestCaller({ callId: `admission-${callers}@192.0.2.10`, fromTag: `adm${callers}` });
}

/** INVITE, the 200 for this caller's own call, ACK: the call is on the line (the harness' live() reads the first 200). */
async function liveCall(h: ReturnType<typeof uaHarness>, c: TestCaller) {
  h.send(c.invite(), c.peer);
  await h.clock.advance(0);
  const ok = h.responses('INVITE').find((r) => r.status === 200 && getHeader(r, 'call-id') === c.callId);
  if (!ok) throw new Error('no 200 for this call');
  h.send(c.ack(ok), c.peer);
  await h.clock.advance(0);
  const input = h.line.calls.at(-1);
  if (!input) throw new Error('the ACK did not start the call');
  return input;
}

function options(n: number): SipRequest {
  const m = sipMessage([
    'OPTIONS sip:900100200@198.51.100.1 SIP/2.0',
    `Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKopt${n}`,
    'Max-Forwards: 70',
    'From: <sip:trunk@caller.test>;tag=opt',
    'To: <sip:900100200@clave.test>',
    `Call-ID: opt-${n}@192.0.2.10`,
    'CSeq: 1 OPTIONS',
  ]);
  if (m.kind !== 'request') throw new Error('not a request');
  return m;
}

describe('UserAgent: admission at the INVITE', () => {
  it('reject: beyond capacity the INVITE gets 503 with Retry-After and no media; the call in progress goes on', async () => {
    const h = uaHarness({ admission: { maxCalls: 1, atCapacity: 'reject', retryAfterSeconds: 12 } });
    const { input, caller: first } = await h.live(caller());
    h.send(caller().invite());
    await h.clock.advance(0);
    const final = h.responses('INVITE').at(-1)!;
    expect(final.status).toBe(503);
    expect(getHeader(final, 'retry-after')).toBe('12');
    expect(h.media.sessions).toHaveLength(1);
    expect(h.ua.calls.size).toBe(1);
    // The first call still takes keys.
    h.send(first.request('INFO', { body: '5', contentType: 'application/dtmf' }));
    expect(input.log).toEqual(['digit:5']);
    expect(input.admission?.kind).toBe('call');
  });

  it('RFC 3261 §11.2: an OPTIONS gets what an INVITE would, 503 at capacity and 200 once there is room', async () => {
    const h = uaHarness({ admission: { maxCalls: 1, atCapacity: 'reject', retryAfterSeconds: 12 } });
    const { input } = await h.live(caller());
    h.send(options(1));
    const refused = h.responses('OPTIONS').at(-1)!;
    expect(refused.status).toBe(503);
    expect(getHeader(refused, 'retry-after')).toBe('12');
    input.hangup();
    h.send(options(2));
    expect(statuses(h, 'OPTIONS')).toEqual([503, 200]);
    expect(h.line.control?.stats()).toMatchObject({ calls: 0, refusedTotal: 0 });
  });

  it('announce: beyond capacity the INVITE is answered and the call handed over as brief; beyond the bound, 503', async () => {
    const h = uaHarness({ admission: { maxCalls: 1, atCapacity: 'announce' } });
    expect((await liveCall(h, caller())).admission?.kind).toBe('call');
    const brief = await liveCall(h, caller());
    expect(brief.admission?.kind).toBe('brief');
    expect(h.line.calls).toHaveLength(2);
    h.send(caller().invite());
    await h.clock.advance(0);
    expect(h.responses('INVITE').at(-1)?.status).toBe(503);
    expect(h.media.sessions).toHaveLength(2);
  });

  it('a place taken at the INVITE is given back when the call never starts: CANCEL, no common codec, no ACK, no RTP port', async () => {
    const h = uaHarness({ admission: { maxCalls: 1, atCapacity: 'reject' } });
    const stats = () => h.line.control!.stats();

    const release = h.media.hold();
    const cancelled = caller();
    const invite = cancelled.invite();
    h.send(invite);
    await h.clock.advance(0);
    expect(stats().calls).toBe(1);
    h.send(cancelled.cancel(invite));
    release();
    await h.clock.advance(0);
    expect(stats().calls).toBe(0);

    h.media.answer = null;
    h.send(caller().invite());
    await h.clock.advance(0);
    expect(h.responses('INVITE').at(-1)?.status).toBe(488);
    expect(stats().calls).toBe(0);
    h.media.answer = h.media.sessions[0]!.answer ?? null;

    h.media.failure = new ClaveError('MEDIA_PORTS_EXHAUSTED', 'no port');
    h.send(caller().invite());
    await h.clock.advance(0);
    expect(h.responses('INVITE').at(-1)?.status).toBe(503);
    expect(stats().calls).toBe(0);
    h.media.failure = null;

    await h.call(caller());
    expect(stats().calls).toBe(1);
    await h.clock.advance(64 * 500 + 32_000);
    expect(h.ua.calls.size).toBe(0);
    expect(stats().calls).toBe(0);
    expect(h.line.calls).toHaveLength(0);
  });
});
