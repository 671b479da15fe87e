import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../shared/index.ts';
import { responseTo, serializeMessage } from '../grammar/index.ts';
import type { SipRequest } from '../grammar/message.ts';
import { MemoryTransport } from './memory-transport.ts';
import { InviteServerTransaction, NonInviteServerTransaction } from './server-transaction.ts';
import { request, response, sip, TCP_PEER, UDP_PEER } from './test-messages.ts';
import { serverKey, TransactionLayer, type ServerTransaction, type TransactionUser } from './transaction-layer.ts';
import type { Peer } from './transport.ts';

class RecordingTu implements TransactionUser {
  readonly requests: { req: SipRequest; tx: ServerTransaction; source: Peer }[] = [];
  readonly acks: SipRequest[] = [];
  request(req: SipRequest, tx: ServerTransaction, source: Peer): void {
    this.requests.push({ req, tx, source });
  }
  ack(req: SipRequest): void {
    this.acks.push(req);
  }
}

function setup() {
  const clock = new SimulatedClock();
  const wire = new MemoryTransport(clock);
  const tu = new RecordingTu();
  const layer = new TransactionLayer({ clock, transport: wire, tu });
  const answer = (i: number, status: number) => {
    const { req, tx } = tu.requests[i]!;
    tx.respond(status, serializeMessage(responseTo(req, status, 'Reason', [], undefined, status > 100 ? 'uas1' : undefined)));
  };
  return { clock, wire, tu, layer, answer };
}

describe('TransactionLayer: server side (RFC 3261 §17.2.3)', () => {
  it('hands a new INVITE to the TU once, and answers its retransmission with the last response', () => {
    const t = setup();
    t.layer.receive({ message: request('INVITE'), source: UDP_PEER });
    expect(t.tu.requests).toHaveLength(1);
    expect(t.tu.requests[0]?.tx).toBeInstanceOf(InviteServerTransaction);
    expect(t.tu.requests[0]?.source).toBe(UDP_PEER);
    t.answer(0, 100);
    t.layer.receive({ message: request('INVITE'), source: UDP_PEER });
    expect(t.tu.requests).toHaveLength(1);
    expect(t.wire.responses().map((r) => r.status)).toEqual([100, 100]);
    expect(t.layer.serverCount).toBe(1);
  });

  it('the same branch from another sent-by, or for another method, is another transaction', () => {
    const t = setup();
    t.layer.receive({ message: request('INVITE'), source: UDP_PEER });
    const other = sip([
      'INVITE sip:900100200@clave.test SIP/2.0',
      'Via: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bKtest1',
      'From: <sip:600111222@caller.test>;tag=from9',
      'To: <sip:900100200@clave.test>',
      'Call-ID: call-9@caller.test',
      'CSeq: 1 INVITE',
    ]);
    t.layer.receive({ message: other, source: UDP_PEER });
    t.layer.receive({ message: request('OPTIONS'), source: UDP_PEER });
    expect(t.tu.requests.map((r) => r.req.method)).toEqual(['INVITE', 'INVITE', 'OPTIONS']);
    expect(t.tu.requests[2]?.tx).toBeInstanceOf(NonInviteServerTransaction);
    expect(t.layer.serverCount).toBe(3);
  });

  it('absorbs the ACK for a non-2xx final response (same branch) and stops Timer G', async () => {
    const t = setup();
    t.layer.receive({ message: request('INVITE'), source: UDP_PEER });
    t.answer(0, 486);
    t.layer.receive({ message: request('ACK', { seq: 1, toTag: 'uas1' }), source: UDP_PEER });
    expect(t.tu.acks).toHaveLength(0);
    expect(t.tu.requests[0]?.tx.state).toBe('confirmed');
    // A retransmitted ACK in Confirmed is absorbed too.
    t.layer.receive({ message: request('ACK', { seq: 1, toTag: 'uas1' }), source: UDP_PEER });
    expect(t.tu.acks).toHaveLength(0);
    await t.clock.advance(10_000);
    expect(t.wire.responses().map((r) => r.status)).toEqual([486]);
    expect(t.layer.serverCount).toBe(0);
  });

  it('passes the ACK for a 2xx (its own branch) to the TU, also while the INVITE is Accepted', () => {
    const t = setup();
    t.layer.receive({ message: request('INVITE'), source: UDP_PEER });
    t.answer(0, 200);
    t.layer.receive({ message: request('ACK', { branch: 'z9hG4bKack2', toTag: 'uas1' }), source: UDP_PEER });
    t.layer.receive({ message: request('ACK', { toTag: 'uas1' }), source: UDP_PEER });
    expect(t.tu.acks).toHaveLength(2);
    expect(t.tu.requests).toHaveLength(1);
  });

  it('answers a retransmitted non-INVITE with the last response, then forgets it after Timer J', async () => {
    const t = setup();
    t.layer.receive({ message: request('OPTIONS'), source: UDP_PEER });
    t.answer(0, 200);
    t.layer.receive({ message: request('OPTIONS'), source: UDP_PEER });
    expect(t.wire.responses().map((r) => r.status)).toEqual([200, 200]);
    await t.clock.advance(32_000);
    expect(t.layer.serverCount).toBe(0);
    t.layer.receive({ message: request('OPTIONS'), source: UDP_PEER });
    expect(t.tu.requests).toHaveLength(2);
  });

  it('over TCP a non-INVITE transaction is gone as soon as it is answered', async () => {
    const t = setup();
    t.layer.receive({ message: request('OPTIONS', { transport: 'TCP' }), source: TCP_PEER });
    t.answer(0, 200);
    await t.clock.advance(0);
    expect(t.layer.serverCount).toBe(0);
  });

  it('finds the INVITE a CANCEL targets (§9.2), and the CANCEL gets a transaction of its own', () => {
    const t = setup();
    t.layer.receive({ message: request('INVITE'), source: UDP_PEER });
    const cancel = request('CANCEL');
    t.layer.receive({ message: cancel, source: UDP_PEER });
    expect(t.tu.requests.map((r) => r.req.method)).toEqual(['INVITE', 'CANCEL']);
    expect(t.layer.inviteFor(cancel)).toBe(t.tu.requests[0]?.tx);
    expect(t.layer.inviteFor(request('CANCEL', { branch: 'z9hG4bKother' }))).toBeUndefined();
  });

  it('matches an RFC 2543 peer (no magic cookie) by the request fields', () => {
    const t = setup();
    const invite = request('INVITE', { branch: 'old1' });
    t.layer.receive({ message: invite, source: UDP_PEER });
    t.answer(0, 100);
    t.layer.receive({ message: request('INVITE', { branch: 'old1' }), source: UDP_PEER });
    expect(t.tu.requests).toHaveLength(1);
    expect(serverKey(invite)).toMatch(/^2543\|/);
    expect(serverKey(request('INVITE', { branch: 'old1', seq: 2 }))).not.toBe(serverKey(invite));
  });

  it('isMerged: an ongoing transaction with the same From tag, Call-ID and CSeq but another branch (§8.2.2.2)', () => {
    const t = setup();
    const first = request('INVITE', { branch: 'z9hG4bKa' });
    t.layer.receive({ message: first, source: UDP_PEER });
    expect(t.layer.isMerged(first)).toBe(false);
    expect(t.layer.isMerged(request('INVITE', { branch: 'z9hG4bKb' }))).toBe(true);
    expect(t.layer.isMerged(request('INVITE', { branch: 'z9hG4bKb', seq: 2 }))).toBe(false);
    expect(t.layer.isMerged(request('INVITE', { branch: 'z9hG4bKb', callId: 'other' }))).toBe(false);
    expect(t.layer.isMerged(request('CANCEL', { branch: 'z9hG4bKa' }))).toBe(false);
  });

  it('close() ends every transaction', () => {
    const t = setup();
    t.layer.receive({ message: request('INVITE'), source: UDP_PEER });
    t.layer.receive({ message: request('OPTIONS'), source: UDP_PEER });
    t.layer.sendRequest(serializeMessage(request('BYE', { branch: 'z9hG4bKc1' })), UDP_PEER, 'z9hG4bKc1', 'BYE');
    t.layer.close();
    expect(t.layer.serverCount).toBe(0);
    expect(t.layer.clientCount).toBe(0);
  });
});

describe('TransactionLayer: client side (RFC 3261 §17.1.3)', () => {
  function sendBye(t: ReturnType<typeof setup>, branch = 'z9hG4bKc1') {
    return t.layer.sendRequest(serializeMessage(request('BYE', { branch, seq: 7 })), UDP_PEER, branch, 'BYE');
  }

  it('matches a response by top Via branch and CSeq method', async () => {
    const t = setup();
    const tx = sendBye(t);
    expect(t.layer.clientCount).toBe(1);
    t.layer.receive({ message: response(200, 'z9hG4bKc1', 'BYE', 7), source: UDP_PEER });
    const outcome = await tx.result;
    expect(outcome).toMatchObject({ kind: 'response', response: { status: 200 } });
    await t.clock.advance(5000);
    expect(t.layer.clientCount).toBe(0);
  });

  it('drops stray responses: unknown branch, or the right branch with another CSeq method', async () => {
    const t = setup();
    const tx = sendBye(t);
    t.layer.receive({ message: response(200, 'z9hG4bKnope', 'BYE', 7), source: UDP_PEER });
    t.layer.receive({ message: response(200, 'z9hG4bKc1', 'INVITE', 7), source: UDP_PEER });
    expect(tx.state).toBe('trying');
    // Nothing is sent back for a stray response (§18.1.2: it is discarded).
    await t.clock.advance(400);
    expect(t.wire.sent).toHaveLength(1);
    t.layer.receive({ message: response(200, 'z9hG4bKc1', 'BYE', 7), source: UDP_PEER });
    expect(tx.state).toBe('completed');
  });

  it('a REFER and a BYE with different branches run side by side', async () => {
    const t = setup();
    const bye = sendBye(t, 'z9hG4bKb');
    const refer = t.layer.sendRequest(serializeMessage(request('REFER', { branch: 'z9hG4bKr', seq: 8 })), UDP_PEER, 'z9hG4bKr', 'REFER');
    t.layer.receive({ message: response(202, 'z9hG4bKr', 'REFER', 8), source: UDP_PEER });
    expect(refer.state).toBe('completed');
    expect(bye.state).toBe('trying');
    await t.clock.advance(32_000);
    expect(await bye.result).toEqual({ kind: 'timeout' });
    expect(await refer.result).toMatchObject({ kind: 'response', response: { status: 202 } });
  });
});
