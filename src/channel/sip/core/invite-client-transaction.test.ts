import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../shared/index.ts';
import { getHeader, parseMessage } from '../grammar/index.ts';
import type { SipRequest, SipResponse } from '../grammar/message.ts';
import { InviteClientTransaction } from './invite-client-transaction.ts';
import { MemoryTransport } from './memory-transport.ts';
import { response, TCP_PEER, UDP_PEER } from './test-messages.ts';
import type { Peer } from './transport.ts';

const INVITE = (() => {
  const r = parseMessage(Buffer.from(
    'INVITE sip:600111222@caller.test SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKinv1\r\nMax-Forwards: 70\r\n' +
      'From: <sip:clave@clave.test>;tag=us\r\nTo: <sip:600111222@caller.test>\r\nCall-ID: call-1@caller.test\r\nCSeq: 1 INVITE\r\n' +
      'Route: <sip:sbc.test;lr>\r\nContent-Length: 0\r\n\r\n',
  ));
  if (!r.ok || r.message.kind !== 'request') throw new Error('bad INVITE');
  return r.message;
})();

function setup(peer: Peer = UDP_PEER) {
  const clock = new SimulatedClock();
  const start = clock.now();
  const wire = new MemoryTransport(clock);
  const terminated: string[] = [];
  const tx = new InviteClientTransaction('z9hG4bKinv1|INVITE', INVITE, peer, { clock, transport: wire, onTerminated: (k) => terminated.push(k) });
  const tu: SipResponse[] = [];
  let timedOut = false;
  tx.onResponse = (r) => tu.push(r);
  tx.onTimeout = () => (timedOut = true);
  tx.start();
  return { clock, start, wire, terminated, tx, tu, timedOut: () => timedOut };
}

describe('INVITE client transaction (RFC 3261 §17.1.1, RFC 6026 §7.2)', () => {
  it('a provisional stops Timer A and Timer B: a long ringing phone is not a timeout', async () => {
    const t = setup();
    await t.clock.advance(600);
    t.tx.receive(response(180, 'z9hG4bKinv1', 'INVITE'));
    expect(t.tx.state).toBe('proceeding');
    await t.clock.advance(60_000);
    expect(t.wire.requests('INVITE')).toHaveLength(2);
    expect(t.timedOut()).toBe(false);
    expect(t.tu.map((r) => r.status)).toEqual([180]);
  });

  it('a 2xx moves to Accepted: its retransmissions go to the TU until Timer M, then the transaction ends', async () => {
    const t = setup();
    t.tx.receive(response(200, 'z9hG4bKinv1', 'INVITE'));
    t.tx.receive(response(200, 'z9hG4bKinv1', 'INVITE'));
    t.tx.receive(response(486, 'z9hG4bKinv1', 'INVITE'));
    expect(t.tx.state).toBe('accepted');
    expect(t.tu.map((r) => r.status)).toEqual([200, 200]);
    // The ACK for a 2xx is the TU's, not the transaction's (§17.1.1.3).
    expect(t.wire.requests('ACK')).toHaveLength(0);
    await t.clock.advance(32_000);
    expect(t.tx.state).toBe('terminated');
    expect(t.terminated).toEqual(['z9hG4bKinv1|INVITE']);
  });

  it('acknowledges a failure itself, with the INVITE top Via, Route and CSeq number, and absorbs its retransmissions for Timer D', async () => {
    const t = setup();
    t.tx.receive(response(486, 'z9hG4bKinv1', 'INVITE'));
    t.tx.receive(response(486, 'z9hG4bKinv1', 'INVITE'));
    expect(t.tu.map((r) => r.status)).toEqual([486]);
    const acks: SipRequest[] = t.wire.requests('ACK');
    expect(acks).toHaveLength(2);
    expect(getHeader(acks[0]!, 'via')).toBe(getHeader(INVITE, 'via'));
    expect(getHeader(acks[0]!, 'route')).toBe('<sip:sbc.test;lr>');
    expect(getHeader(acks[0]!, 'cseq')).toBe('1 ACK');
    expect(getHeader(acks[0]!, 'to')).toBe('<sip:600111222@caller.test>;tag=them');
    await t.clock.advance(31_999);
    expect(t.tx.state).toBe('completed');
    await t.clock.advance(1);
    expect(t.tx.state).toBe('terminated');
  });

  it('over a reliable transport: no retransmissions, and Timer D is zero', async () => {
    const t = setup(TCP_PEER);
    await t.clock.advance(10_000);
    expect(t.wire.requests('INVITE')).toHaveLength(1);
    t.tx.receive(response(603, 'z9hG4bKinv1', 'INVITE'));
    await t.clock.advance(0);
    expect(t.tx.state).toBe('terminated');
  });
});
