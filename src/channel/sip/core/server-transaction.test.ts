import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../shared/index.ts';
import { responseTo, serializeMessage } from '../grammar/index.ts';
import type { SipRequest } from '../grammar/message.ts';
import { MemoryTransport } from './memory-transport.ts';
import { InviteServerTransaction, NonInviteServerTransaction } from './server-transaction.ts';
import { request, TCP_PEER, UDP_PEER } from './test-messages.ts';
import type { Peer } from './transport.ts';

function setup(kind: 'invite' | 'non-invite', peer: Peer = UDP_PEER) {
  const clock = new SimulatedClock();
  const start = clock.now();
  const wire = new MemoryTransport(clock);
  const terminated: string[] = [];
  let timeouts = 0;
  const deps = { clock, transport: wire, onTerminated: (k: string) => terminated.push(k), onTimeout: () => timeouts++ };
  const req = request(kind === 'invite' ? 'INVITE' : 'OPTIONS', { transport: peer.protocol === 'udp' ? 'UDP' : 'TCP' });
  const answer = (status: number, r: SipRequest = req): [number, Buffer] => [status, serializeMessage(responseTo(r, status, 'Reason', [], undefined, status > 100 ? 'tt' : undefined))];
  return { clock, start, wire, terminated, timeouts: () => timeouts, deps, req, answer };
}

describe('INVITE server transaction over UDP', () => {
  it('retransmits a final non-2xx on Timer G (500, 1000, 2000, 4000, 4000… ms) and gives up on Timer H at 64*T1', async () => {
    const t = setup('invite');
    const tx = new InviteServerTransaction('k1', t.req, UDP_PEER, t.deps);
    tx.respond(...t.answer(100));
    tx.respond(...t.answer(486));
    expect(tx.state).toBe('completed');
    await t.clock.advance(31_999);
    expect(t.wire.responses().map((r) => r.status)).toEqual([100, 486, ...Array<number>(10).fill(486)]);
    expect(t.wire.times(t.start)).toEqual([0, 0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
    expect(tx.state).toBe('completed');
    expect(t.timeouts()).toBe(0);
    await t.clock.advance(1);
    // RFC 3261 §17.2.1: Timer H fires → Terminated, and the TU is told.
    expect(tx.state).toBe('terminated');
    expect(t.timeouts()).toBe(1);
    expect(t.terminated).toEqual(['k1']);
    expect(t.clock.pending).toBe(0);
    await t.clock.advance(60_000);
    expect(t.wire.sent).toHaveLength(12);
  });

  it('stops retransmitting on the ACK, then ends on Timer I (T4)', async () => {
    const t = setup('invite');
    const tx = new InviteServerTransaction('k1', t.req, UDP_PEER, t.deps);
    tx.respond(...t.answer(404));
    await t.clock.advance(1600);
    expect(t.wire.sent).toHaveLength(3);
    tx.ack();
    expect(tx.state).toBe('confirmed');
    await t.clock.advance(4999);
    expect(tx.state).toBe('confirmed');
    expect(t.wire.sent).toHaveLength(3);
    await t.clock.advance(1);
    expect(tx.state).toBe('terminated');
    expect(t.timeouts()).toBe(0);
    expect(t.terminated).toEqual(['k1']);
  });

  it('answers a retransmitted INVITE with the last response: the provisional, then the final', () => {
    const t = setup('invite');
    const tx = new InviteServerTransaction('k1', t.req, UDP_PEER, t.deps);
    tx.retransmission();
    expect(t.wire.sent).toHaveLength(0);
    tx.respond(...t.answer(100));
    tx.retransmission();
    tx.respond(...t.answer(480));
    tx.retransmission();
    expect(t.wire.responses().map((r) => r.status)).toEqual([100, 100, 480, 480]);
    expect(t.wire.sent.every((s) => s.to === UDP_PEER)).toBe(true);
  });

  it('absorbs a retransmitted INVITE and the ACK once confirmed', () => {
    const t = setup('invite');
    const tx = new InviteServerTransaction('k1', t.req, UDP_PEER, t.deps);
    tx.respond(...t.answer(486));
    tx.ack();
    tx.retransmission();
    tx.ack();
    expect(t.wire.sent).toHaveLength(1);
    expect(tx.state).toBe('confirmed');
  });

  it('2xx → Accepted (RFC 6026): retransmitted INVITEs absorbed, no retransmission of its own, Timer L ends it', async () => {
    const t = setup('invite');
    const tx = new InviteServerTransaction('k1', t.req, UDP_PEER, t.deps);
    tx.respond(...t.answer(100));
    tx.respond(...t.answer(200));
    expect(tx.state).toBe('accepted');
    tx.retransmission();
    tx.ack();
    tx.respond(...t.answer(486));
    await t.clock.advance(31_999);
    expect(t.wire.responses().map((r) => r.status)).toEqual([100, 200]);
    expect(tx.state).toBe('accepted');
    await t.clock.advance(1);
    expect(tx.state).toBe('terminated');
    expect(t.terminated).toEqual(['k1']);
    expect(t.timeouts()).toBe(0);
  });

  it('close() ends it at once and is idempotent', async () => {
    const t = setup('invite');
    const tx = new InviteServerTransaction('k1', t.req, UDP_PEER, t.deps);
    tx.respond(...t.answer(500));
    tx.close();
    tx.close();
    expect(tx.state).toBe('terminated');
    expect(t.terminated).toEqual(['k1']);
    await t.clock.advance(40_000);
    expect(t.wire.sent).toHaveLength(1);
    expect(t.timeouts()).toBe(0);
  });
});

describe('INVITE server transaction over TCP', () => {
  it('does not retransmit the final response; Timer H still ends it', async () => {
    const t = setup('invite', TCP_PEER);
    const tx = new InviteServerTransaction('k1', t.req, TCP_PEER, t.deps);
    tx.respond(...t.answer(486));
    await t.clock.advance(31_999);
    expect(t.wire.sent).toHaveLength(1);
    expect(t.wire.sent[0]?.to).toBe(TCP_PEER);
    await t.clock.advance(1);
    expect(tx.state).toBe('terminated');
    expect(t.timeouts()).toBe(1);
  });

  it('ends at once after the ACK (Timer I = 0)', async () => {
    const t = setup('invite', TCP_PEER);
    const tx = new InviteServerTransaction('k1', t.req, TCP_PEER, t.deps);
    tx.respond(...t.answer(486));
    tx.ack();
    await t.clock.advance(0);
    expect(tx.state).toBe('terminated');
  });
});

describe('non-INVITE server transaction', () => {
  it('answers a retransmitted request with the last response and lingers Timer J (64*T1) over UDP', async () => {
    const t = setup('non-invite');
    const tx = new NonInviteServerTransaction('k2', t.req, UDP_PEER, t.deps);
    tx.retransmission();
    expect(t.wire.sent).toHaveLength(0);
    tx.respond(...t.answer(200));
    expect(tx.state).toBe('completed');
    await t.clock.advance(10_000);
    tx.retransmission();
    expect(t.wire.responses().map((r) => r.status)).toEqual([200, 200]);
    // A second final response from the TU is not sent: the transaction is Completed.
    tx.respond(...t.answer(500));
    expect(t.wire.sent).toHaveLength(2);
    await t.clock.advance(21_999);
    expect(tx.state).toBe('completed');
    await t.clock.advance(1);
    expect(tx.state).toBe('terminated');
    expect(t.terminated).toEqual(['k2']);
  });

  it('Proceeding resends the provisional response', () => {
    const t = setup('non-invite');
    const tx = new NonInviteServerTransaction('k2', t.req, UDP_PEER, t.deps);
    tx.respond(...t.answer(100));
    expect(tx.state).toBe('proceeding');
    tx.retransmission();
    expect(t.wire.responses().map((r) => r.status)).toEqual([100, 100]);
  });

  it('Timer J is zero over TCP', async () => {
    const t = setup('non-invite', TCP_PEER);
    const tx = new NonInviteServerTransaction('k2', t.req, TCP_PEER, t.deps);
    tx.respond(...t.answer(200));
    expect(tx.state).toBe('completed');
    await t.clock.advance(0);
    expect(tx.state).toBe('terminated');
    expect(t.terminated).toEqual(['k2']);
  });

  it('an illegal move throws (a bug, not a condition)', () => {
    const t = setup('non-invite');
    const tx = new NonInviteServerTransaction('k2', t.req, UDP_PEER, t.deps);
    tx.close();
    expect(() => tx.transition('completed')).toThrow(/illegal move terminated → completed/);
  });
});
