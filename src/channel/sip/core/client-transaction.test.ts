import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../shared/index.ts';
import { NonInviteClientTransaction, type ClientOutcome } from './client-transaction.ts';
import { MemoryTransport } from './memory-transport.ts';
import { response, TCP_PEER, UDP_PEER } from './test-messages.ts';
import type { Peer } from './transport.ts';

const BYE = Buffer.from(
  'BYE sip:600111222@192.0.2.10:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKbye1\r\nMax-Forwards: 70\r\n' +
    'From: <sip:clave@clave.test>;tag=us\r\nTo: <sip:600111222@caller.test>;tag=them\r\nCall-ID: call-1@caller.test\r\nCSeq: 7 BYE\r\nContent-Length: 0\r\n\r\n',
);

function setup(peer: Peer = UDP_PEER) {
  const clock = new SimulatedClock();
  const start = clock.now();
  const wire = new MemoryTransport(clock);
  const terminated: string[] = [];
  const tx = new NonInviteClientTransaction('z9hG4bKbye1|BYE', BYE, peer, { clock, transport: wire, onTerminated: (k) => terminated.push(k) });
  let outcome: ClientOutcome | null = null;
  void tx.result.then((o) => (outcome = o));
  return { clock, start, wire, terminated, tx, outcome: () => outcome };
}

describe('non-INVITE client transaction over UDP', () => {
  it('retransmits on Timer E (T1 doubling to T2) and times out on Timer F at 64*T1', async () => {
    const t = setup();
    t.tx.start();
    expect(t.tx.state).toBe('trying');
    await t.clock.advance(31_999);
    expect(t.wire.times(t.start)).toEqual([0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
    expect(t.wire.requests('BYE')).toHaveLength(11);
    expect(t.wire.sent.every((s) => s.to === UDP_PEER && s.data.equals(BYE))).toBe(true);
    expect(t.outcome()).toBeNull();
    await t.clock.advance(1);
    // RFC 3261 §17.1.2.2: "If Timer F fires while the client transaction is still in the "Trying" state, the client transaction SHOULD inform the TU about the timeout".
    expect(t.outcome()).toEqual({ kind: 'timeout' });
    expect(t.tx.state).toBe('terminated');
    expect(t.terminated).toEqual(['z9hG4bKbye1|BYE']);
    expect(t.clock.pending).toBe(0);
  });

  it('in Proceeding retransmits every T2, and a final response ends it after Timer K (T4)', async () => {
    const t = setup();
    t.tx.start();
    await t.clock.advance(600);
    const provisional: number[] = [];
    t.tx.onProvisional = (r) => provisional.push(r.status);
    t.tx.receive(response(100, 'z9hG4bKbye1', 'BYE', 7));
    expect(t.tx.state).toBe('proceeding');
    expect(provisional).toEqual([100]);
    // The Timer E already set (for 1500) fires as set; from then on every T2.
    await t.clock.advance(10_000);
    expect(t.wire.times(t.start)).toEqual([0, 500, 1500, 5500, 9500]);
    const ok = response(200, 'z9hG4bKbye1', 'BYE', 7);
    t.tx.receive(ok);
    await t.clock.advance(0);
    expect(t.outcome()).toEqual({ kind: 'response', response: ok });
    expect(t.tx.state).toBe('completed');
    // A retransmitted final response is absorbed in Completed.
    t.tx.receive(response(200, 'z9hG4bKbye1', 'BYE', 7));
    await t.clock.advance(4999);
    expect(t.tx.state).toBe('completed');
    expect(t.wire.sent).toHaveLength(5);
    await t.clock.advance(1);
    expect(t.tx.state).toBe('terminated');
    expect(t.terminated).toEqual(['z9hG4bKbye1|BYE']);
    // Timer F does not turn a finished transaction into a timeout.
    await t.clock.advance(40_000);
    expect(t.outcome()?.kind).toBe('response');
  });

  it('close() resolves a pending result with closed', async () => {
    const t = setup();
    t.tx.start();
    t.tx.close();
    await t.clock.advance(0);
    expect(t.outcome()).toEqual({ kind: 'closed' });
    await t.clock.advance(40_000);
    expect(t.wire.sent).toHaveLength(1);
  });
});

describe('non-INVITE client transaction over TCP', () => {
  it('sends once, and Timer K is zero', async () => {
    const t = setup(TCP_PEER);
    t.tx.start();
    await t.clock.advance(10_000);
    expect(t.wire.sent).toHaveLength(1);
    t.tx.receive(response(403, 'z9hG4bKbye1', 'BYE', 7));
    await t.clock.advance(0);
    expect(t.tx.state).toBe('terminated');
    expect(t.outcome()).toMatchObject({ kind: 'response', response: { status: 403 } });
  });

  it('Timer F still times it out', async () => {
    const t = setup(TCP_PEER);
    t.tx.start();
    await t.clock.advance(32_000);
    expect(t.outcome()).toEqual({ kind: 'timeout' });
    expect(t.wire.sent).toHaveLength(1);
  });
});
