import { ClaveError } from '../../../shared/index.ts';
import { describe, expect, it } from 'vitest';
import { getHeader, getHeaders, getTokenList, parseNameAddr } from '../grammar/index.ts';
import type { SipRequest } from '../grammar/message.ts';
import { FAKE_ANSWER_SDP } from './testing/fake-media.ts';
import { OFFER_SDP, sipMessage, TestCaller } from './testing/test-caller.ts';
import { uaHarness } from './testing/ua-harness.ts';

const statuses = (h: ReturnType<typeof uaHarness>, method: string) => h.responses(method).map((r) => r.status);

function outOfDialog(method: string, extra: string[] = []): SipRequest {
  const m = sipMessage([
    `${method} sip:900100200@198.51.100.1 SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKood1',
    'Max-Forwards: 70',
    'From: <sip:600111222@caller.test>;tag=ood',
    'To: <sip:900100200@clave.test>',
    'Call-ID: ood-1@192.0.2.10',
    `CSeq: 1 ${method}`,
    ...extra,
  ]);
  if (m.kind !== 'request') throw new Error('not a request');
  return m;
}

describe('UserAgent: requests it does not take (RFC 3261 §8.2)', () => {
  it('OPTIONS → 200 with Allow and Accept (§11.2)', () => {
    const h = uaHarness();
    h.send(outOfDialog('OPTIONS'));
    const [ok] = h.responses('OPTIONS');
    expect(ok?.status).toBe(200);
    expect(getTokenList(ok!, 'allow')).toEqual(['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'INFO', 'NOTIFY']);
    expect(getTokenList(ok!, 'accept')).toEqual(['application/sdp']);
    expect(parseNameAddr(getHeader(ok!, 'to')!).params['tag']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('REGISTER → 405 with Allow (§8.2.1)', () => {
    const h = uaHarness();
    h.send(outOfDialog('REGISTER'));
    const [r] = h.responses('REGISTER');
    expect(r?.status).toBe(405);
    expect(getTokenList(r!, 'allow')).toContain('INVITE');
  });

  it('an unknown method → 501', () => {
    const h = uaHarness();
    h.send(outOfDialog('FOOBAR'));
    expect(statuses(h, 'FOOBAR')).toEqual([501]);
  });

  it('Require: foo → 420 with Unsupported: foo (§8.2.2.3), for an INVITE too', async () => {
    const h = uaHarness();
    h.send(outOfDialog('OPTIONS', ['Require: foo']));
    const [r] = h.responses('OPTIONS');
    expect(r?.status).toBe(420);
    expect(getTokenList(r!, 'unsupported')).toEqual(['foo']);
    const caller = new TestCaller();
    h.send(caller.invite({ extra: ['Require: foo, 100rel'] }));
    await h.clock.advance(0);
    const final = h.responses('INVITE').at(-1);
    expect(final?.status).toBe(420);
    expect(getTokenList(final!, 'unsupported')).toEqual(['foo', '100rel']);
    expect(h.media.sessions).toHaveLength(0);
  });

  it('a Request-URI scheme it does not know → 416 (§8.2.2.1)', () => {
    const h = uaHarness();
    const m = sipMessage([
      'OPTIONS http://example.com/x SIP/2.0',
      'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKh1',
      'From: <sip:a@caller.test>;tag=1',
      'To: <sip:b@clave.test>',
      'Call-ID: h1',
      'CSeq: 1 OPTIONS',
    ]);
    h.send(m);
    expect(statuses(h, 'OPTIONS')).toEqual([416]);
  });
});

describe('UserAgent: INVITEs it refuses', () => {
  it('a body that is not SDP → 100, then 415 with Accept: application/sdp (§8.2.3)', async () => {
    const h = uaHarness();
    h.send(new TestCaller().invite({ body: 'hello', contentType: 'text/plain' }));
    await h.clock.advance(0);
    expect(statuses(h, 'INVITE')).toEqual([100, 415]);
    expect(getTokenList(h.responses('INVITE')[1]!, 'accept')).toEqual(['application/sdp']);
  });

  it('Accept without application/sdp, or empty → 406; */*, application/* and application/sdp;q=0.5 are fine', async () => {
    const h = uaHarness();
    h.send(new TestCaller().invite({ extra: ['Accept: text/html, text/plain'] }));
    await h.clock.advance(0);
    expect(statuses(h, 'INVITE')).toEqual([100, 406]);
    const empty = uaHarness();
    empty.send(new TestCaller().invite({ extra: ['Accept:'] }));
    await empty.clock.advance(0);
    expect(statuses(empty, 'INVITE')).toEqual([100, 406]);
    const refused = uaHarness();
    refused.send(new TestCaller().invite({ extra: ['Accept: application/sdp;q=0'] }));
    await refused.clock.advance(0);
    expect(statuses(refused, 'INVITE')).toEqual([100, 406]);
    for (const accept of ['*/*', 'application/*', 'text/plain, application/sdp;q=0.5']) {
      const h2 = uaHarness();
      h2.send(new TestCaller().invite({ extra: [`Accept: ${accept}`] }));
      await h2.clock.advance(0);
      expect(statuses(h2, 'INVITE'), accept).toEqual([100, 200]);
    }
  });

  it('no codec in common → 488, and the media session is closed', async () => {
    const h = uaHarness();
    h.media.answer = null;
    h.send(new TestCaller().invite());
    await h.clock.advance(0);
    expect(statuses(h, 'INVITE')).toEqual([100, 488]);
    expect(h.media.sessions[0]?.offers).toEqual([OFFER_SDP]);
    expect(h.media.sessions[0]?.closed).toBe(true);
    expect(h.ua.calls.size).toBe(0);
  });

  it('an unknown dialed number → 404', async () => {
    const h = uaHarness();
    h.send(new TestCaller().invite({ dialed: '123' }));
    await h.clock.advance(0);
    expect(statuses(h, 'INVITE')).toEqual([100, 404]);
    expect(h.media.sessions).toHaveLength(0);
  });

  it('while draining → 503 with Retry-After, to OPTIONS as well (§11.2)', async () => {
    const h = uaHarness();
    h.ua.drain();
    h.send(outOfDialog('OPTIONS'));
    expect(statuses(h, 'OPTIONS')).toEqual([503]);
    h.send(new TestCaller().invite());
    await h.clock.advance(0);
    const final = h.responses('INVITE').at(-1)!;
    expect(final.status).toBe(503);
    expect(getHeader(final, 'retry-after')).toBe('60');
  });

  it('while draining, a live call goes on', async () => {
    const h = uaHarness();
    const { caller, input } = await h.live();
    h.ua.drain();
    h.send(caller.request('INFO', { body: '3', contentType: 'application/dtmf' }));
    h.send(caller.request('OPTIONS'));
    expect(statuses(h, 'INFO')).toEqual([200]);
    expect(statuses(h, 'OPTIONS')).toEqual([200]);
    expect(input.log).toEqual(['digit:3']);
  });

  it('every final answer to an INVITE carries a To tag, and the ACK for it is absorbed by the transaction', async () => {
    const h = uaHarness();
    const caller = new TestCaller();
    const invite = caller.invite({ dialed: '123' });
    h.send(invite);
    await h.clock.advance(0);
    const final = h.responses('INVITE').at(-1)!;
    const tag = parseNameAddr(getHeader(final, 'to')!).params['tag'];
    expect(tag).toMatch(/^[0-9a-f]{16}$/);
    const ack = sipMessage([
      `ACK ${invite.rawUri} SIP/2.0`,
      `Via: ${getHeader(invite, 'via')!}`,
      `From: ${getHeader(invite, 'from')!}`,
      `To: ${getHeader(final, 'to')!}`,
      `Call-ID: ${caller.callId}`,
      'CSeq: 1 ACK',
    ]);
    h.send(ack);
    await h.clock.advance(30_000);
    // No retransmission of the 404 after the ACK (Timer G stopped).
    expect(statuses(h, 'INVITE')).toEqual([100, 404]);
  });
});

describe('UserAgent: answering an INVITE (§13.3)', () => {
  it('sends 100, then 200 with a To tag, Contact and the SDP answer', async () => {
    const h = uaHarness();
    const { ok } = await h.call(new TestCaller());
    expect(statuses(h, 'INVITE')).toEqual([100, 200]);
    expect(parseNameAddr(getHeader(ok, 'to')!).params['tag']).toMatch(/^[0-9a-f]{16}$/);
    expect(parseNameAddr(getHeader(ok, 'contact')!).uri).toMatchObject({ scheme: 'sip', host: '198.51.100.1', port: 5060 });
    expect(getHeader(ok, 'content-type')).toBe('application/sdp');
    expect(ok.body.toString()).toBe(FAKE_ANSWER_SDP);
    expect(h.media.sessions[0]?.offers).toEqual([OFFER_SDP]);
    expect(h.ua.calls.size).toBe(1);
    // The call is not on the line before the ACK, and the media does not send yet.
    expect(h.line.calls).toHaveLength(0);
    expect(h.media.sessions[0]?.log).toEqual([]);
  });

  it('takes the SDP out of a multipart/mixed body (RFC 5621)', async () => {
    const h = uaHarness();
    const body = `--b1\r\nContent-Type: application/sdp\r\n\r\n${OFFER_SDP}\r\n--b1\r\nContent-Type: application/isup\r\n\r\nxx\r\n--b1--\r\n`;
    await h.call(new TestCaller(), { body, contentType: 'multipart/mixed;boundary=b1' });
    expect(h.media.sessions[0]?.offers).toEqual([OFFER_SDP]);
  });

  it('retransmits the 2xx (T1 doubling to T2) until the ACK (§13.3.1.4)', async () => {
    const h = uaHarness();
    const caller = new TestCaller();
    const { ok } = await h.call(caller);
    await h.clock.advance(8000);
    const oks = h.wire.sent.filter((s) => s.message.kind === 'response' && s.message.status === 200);
    expect(oks.map((s) => s.at - h.start)).toEqual([0, 500, 1500, 3500, 7500]);
    expect(oks.every((s) => s.data.equals(oks[0]!.data) && s.to.address === '192.0.2.10')).toBe(true);
    h.send(caller.ack(ok));
    await h.clock.advance(30_000);
    expect(h.wire.sent.filter((s) => s.message.kind === 'response' && s.message.status === 200)).toHaveLength(5);
    expect(h.wire.requests('BYE')).toHaveLength(0);
  });

  it('a retransmitted INVITE after the 2xx is absorbed (RFC 6026 Accepted), not a second call', async () => {
    const h = uaHarness();
    const caller = new TestCaller();
    const { invite } = await h.call(caller);
    h.send(invite);
    await h.clock.advance(0);
    expect(statuses(h, 'INVITE')).toEqual([100, 200]);
    expect(h.media.sessions).toHaveLength(1);
    expect(h.ua.calls.size).toBe(1);
  });

  it('without an ACK after 64*T1, sends a BYE and ends the call', async () => {
    const h = uaHarness();
    await h.call(new TestCaller());
    await h.clock.advance(31_999);
    expect(h.wire.requests('BYE')).toHaveLength(0);
    await h.clock.advance(1);
    const [bye] = h.wire.requests('BYE');
    expect(bye).toBeDefined();
    expect(h.line.calls).toHaveLength(0);
    await h.clock.advance(32_000);
    // The BYE timed out (nobody answers): the call is gone anyway.
    expect(h.ua.calls.size).toBe(0);
    expect(h.media.sessions[0]?.closed).toBe(true);
  });

  it('the ACK starts the call on the line with the From user and the dialed number', async () => {
    const h = uaHarness();
    const { input, sipCall } = await h.live();
    expect(input.from).toBe('600111222');
    expect(input.to).toBe('900100200');
    expect(input.channel).toBe(sipCall);
    expect(sipCall.state).toBe('live');
    expect(sipCall.dialog.state).toBe('confirmed');
    expect(h.media.sessions[0]?.log).toEqual(['start']);
    // A retransmitted ACK does not start it twice.
    h.send(new TestCaller().ack(h.responses('INVITE')[1]!));
    await h.clock.advance(0);
    expect(h.line.calls).toHaveLength(1);
  });

  it('P-Asserted-Identity is believed from a trusted peer only (RFC 3325)', async () => {
    const pai = ['P-Asserted-Identity: "Maria" <sip:+34600111222@pbx.test>, <tel:+34600111222>'];
    const trusted = uaHarness({ trusted: ['192.0.2.10'] });
    expect((await trusted.live(new TestCaller(), { extra: pai })).input.from).toBe('+34600111222');
    const untrusted = uaHarness({ trusted: ['192.0.2.99'] });
    expect((await untrusted.live(new TestCaller(), { extra: pai })).input.from).toBe('600111222');
  });

  it('a malformed Contact or P-Asserted-Identity does not break the call', async () => {
    const h = uaHarness({ trusted: ['192.0.2.10'] });
    const { input, sipCall } = await h.live(new TestCaller(), { contact: '<<not a uri', extra: ['P-Asserted-Identity: "unbalanced <sip:x@y>'] });
    expect(input.from).toBe('600111222');
    // In-dialog requests fall back to the From URI.
    sipCall.hangup('done');
    const [bye] = h.wire.requests('BYE');
    expect(bye?.rawUri).toBe('sip:600111222@caller.test');
  });

  it('media that cannot be set up → 500, and nothing is left behind', async () => {
    const h = uaHarness();
    h.media.failure = new Error('the RTP socket broke');
    h.send(new TestCaller().invite());
    await h.clock.advance(0);
    expect(statuses(h, 'INVITE')).toEqual([100, 500]);
    expect(h.ua.calls.size).toBe(0);
  });

  it('no RTP port left → 503 with Retry-After: the line is full, a refusal and not a failure', async () => {
    const h = uaHarness();
    h.media.failure = new ClaveError('MEDIA_PORTS_EXHAUSTED', 'no RTP port pair free');
    h.send(new TestCaller().invite());
    await h.clock.advance(0);
    expect(statuses(h, 'INVITE')).toEqual([100, 503]);
    expect(getHeader(h.responses('INVITE')[1]!, 'retry-after')).toBe('5');
    expect(h.ua.calls.size).toBe(0);
  });

  it('over TCP: responses go back on the connection, and the 2xx is still retransmitted until the ACK (§13.3.1.4)', async () => {
    const h = uaHarness();
    const peer = { protocol: 'tcp' as const, address: '192.0.2.10', port: 50001, connectionId: 'conn-7' };
    const caller = new TestCaller({ peer });
    const { ok } = await h.call(caller);
    expect(getHeader(ok, 'contact')).toBe('<sip:clave@198.51.100.1:5060;transport=tcp>');
    await h.clock.advance(600);
    const oks = h.wire.sent.filter((s) => s.message.kind === 'response' && s.message.status === 200);
    expect(oks.map((s) => s.to)).toEqual([peer, peer]);
    h.send(caller.ack(ok), peer);
    await h.clock.advance(0);
    expect(h.line.calls).toHaveLength(1);
  });

  it('media that fails to start on the ACK: logged, a BYE out, nothing thrown to the transport', async () => {
    const h = uaHarness();
    const caller = new TestCaller();
    const { ok } = await h.call(caller);
    h.media.sessions[0]!.startFailure = new Error('EPERM');
    expect(() => h.send(caller.ack(ok))).not.toThrow();
    expect(h.wire.requests('BYE')).toHaveLength(1);
    expect(h.line.calls).toHaveLength(0);
  });

  it('a line that refuses the answered call gets a BYE out', async () => {
    const h = uaHarness();
    h.line.refuse = true;
    const caller = new TestCaller();
    const { ok } = await h.call(caller);
    h.send(caller.ack(ok));
    await h.clock.advance(0);
    expect(h.wire.requests('BYE')).toHaveLength(1);
  });
});

describe('UserAgent: CANCEL (§9.2)', () => {
  it('before the answer: 200 to the CANCEL, 487 to the INVITE, and the pending call is closed', async () => {
    const h = uaHarness();
    const release = h.media.hold();
    const caller = new TestCaller();
    const invite = caller.invite();
    h.send(invite);
    await h.clock.advance(0);
    h.send(caller.cancel(invite));
    expect(statuses(h, 'CANCEL')).toEqual([200]);
    expect(statuses(h, 'INVITE')).toEqual([100, 487]);
    release();
    await h.clock.advance(0);
    expect(statuses(h, 'INVITE')).toEqual([100, 487]);
    expect(h.media.sessions[0]?.closed).toBe(true);
    expect(h.ua.calls.size).toBe(0);
    // The 487 is retransmitted until the ACK like any non-2xx final response.
    await h.clock.advance(600);
    expect(statuses(h, 'INVITE')).toEqual([100, 487, 487]);
  });

  it('for no transaction → 481', () => {
    const h = uaHarness();
    const caller = new TestCaller();
    h.send(caller.cancel(caller.invite()));
    expect(statuses(h, 'CANCEL')).toEqual([481]);
  });

  it('after the 2xx: 200 to the CANCEL and the call goes on', async () => {
    const h = uaHarness();
    const caller = new TestCaller();
    const { invite } = await h.call(caller);
    h.send(caller.cancel(invite));
    expect(statuses(h, 'CANCEL')).toEqual([200]);
    expect(statuses(h, 'INVITE')).toEqual([100, 200]);
    expect(h.ua.calls.size).toBe(1);
  });
});

describe('UserAgent: requests in the dialog', () => {
  it('BYE → 200, and the line is told the caller hung up', async () => {
    const h = uaHarness();
    const { input, caller } = await h.live();
    h.send(caller.request('BYE'));
    expect(statuses(h, 'BYE')).toEqual([200]);
    expect(input.log).toEqual(['hangup']);
    expect(h.ua.calls.size).toBe(0);
    expect(h.media.sessions[0]?.closed).toBe(true);
  });

  it('BYE for an unknown dialog → 481', async () => {
    const h = uaHarness();
    const { caller } = await h.live();
    h.send(caller.request('BYE', { toTag: 'nosuchtag' }));
    expect(statuses(h, 'BYE')).toEqual([481]);
    expect(h.ua.calls.size).toBe(1);
  });

  it('INFO application/dtmf-relay → 200 and the key reaches the line', async () => {
    const h = uaHarness();
    const { input, caller } = await h.live();
    h.send(caller.request('INFO', { body: 'Signal=5\r\nDuration=160\r\n', contentType: 'application/dtmf-relay' }));
    h.send(caller.request('INFO', { body: '#', contentType: 'application/dtmf' }));
    expect(statuses(h, 'INFO')).toEqual([200, 200]);
    expect(input.log).toEqual(['digit:5', 'digit:#']);
  });

  it('INFO of another type → 415 with Accept, and no key', async () => {
    const h = uaHarness();
    const { input, caller } = await h.live();
    h.send(caller.request('INFO', { body: '<xml/>', contentType: 'application/xml' }));
    const [r] = h.responses('INFO');
    expect(r?.status).toBe(415);
    expect(getTokenList(r!, 'accept')).toEqual(['application/dtmf-relay', 'application/dtmf']);
    expect(input.log).toEqual([]);
  });

  it('INFO with a DTMF type but no key in it → 400', async () => {
    const h = uaHarness();
    const { input, caller } = await h.live();
    h.send(caller.request('INFO', { body: 'Signal=X\r\n', contentType: 'application/dtmf-relay' }));
    expect(statuses(h, 'INFO')).toEqual([400]);
    expect(input.log).toEqual([]);
  });

  it('keys from the media reach the line too', async () => {
    const h = uaHarness();
    const { input } = await h.live();
    h.media.sessions[0]!.onDigit('7');
    expect(input.log).toEqual(['digit:7']);
  });

  it('NOTIFY in the dialog → 200, outside → 481', async () => {
    const h = uaHarness();
    const { caller } = await h.live();
    h.send(caller.request('NOTIFY', { extra: ['Event: refer', 'Subscription-State: active'] }));
    h.send(caller.request('NOTIFY', { toTag: 'other', extra: ['Event: refer'] }));
    expect(statuses(h, 'NOTIFY')).toEqual([200, 481]);
  });

  it('re-INVITE → 200 with the SDP answer and the dialog tag', async () => {
    const h = uaHarness();
    const { caller, ok } = await h.live();
    const reinvite = caller.request('INVITE', { body: OFFER_SDP });
    h.send(reinvite);
    await h.clock.advance(0);
    const r = h.responses('INVITE').at(-1)!;
    expect(r.status).toBe(200);
    expect(getHeader(r, 'cseq')).toBe(`${caller.seq} INVITE`);
    expect(getHeader(r, 'to')).toBe(getHeader(ok, 'to'));
    expect(r.body.toString()).toBe(FAKE_ANSWER_SDP);
    expect(h.media.sessions[0]?.offers).toHaveLength(2);
    expect(h.line.calls).toHaveLength(1);
  });

  it('re-INVITE for an unknown dialog → 481', async () => {
    const h = uaHarness();
    const caller = new TestCaller();
    h.send(caller.request('INVITE', { toTag: 'gone', body: OFFER_SDP }));
    await h.clock.advance(0);
    expect(statuses(h, 'INVITE')).toEqual([481]);
  });
});

describe('UserAgent: RFC 3261 checks on requests', () => {
  it('a merged request (same From tag, Call-ID and CSeq, another branch) → 482, and only one call (§8.2.2.2)', async () => {
    const h = uaHarness();
    const caller = new TestCaller();
    h.send(caller.invite({ branch: 'z9hG4bKpath1' }));
    h.send(caller.invite({ branch: 'z9hG4bKpath2' }));
    await h.clock.advance(0);
    expect(statuses(h, 'INVITE')).toEqual([100, 482, 200]);
    expect(h.media.sessions).toHaveLength(1);
  });

  it('an in-dialog request with a CSeq lower than the last one → 500 (§12.2.2)', async () => {
    const h = uaHarness();
    const { caller, input } = await h.live();
    h.send(caller.request('INFO', { seq: 10, body: '1', contentType: 'application/dtmf' }));
    h.send(caller.request('INFO', { seq: 9, body: '2', contentType: 'application/dtmf' }));
    h.send(caller.request('BYE', { seq: 8 }));
    expect(statuses(h, 'INFO')).toEqual([200, 500]);
    expect(statuses(h, 'BYE')).toEqual([500]);
    expect(input.log).toEqual(['digit:1']);
    h.send(caller.request('BYE', { seq: 11 }));
    expect(statuses(h, 'BYE')).toEqual([500, 200]);
  });

  it('an ACK whose CSeq number is not the INVITE’s does not start the call (§13.2.2.4)', async () => {
    const h = uaHarness();
    const caller = new TestCaller();
    const { ok } = await h.call(caller);
    h.send(caller.ack(ok, 99));
    await h.clock.advance(0);
    expect(h.line.calls).toHaveLength(0);
    h.send(caller.ack(ok));
    await h.clock.advance(0);
    expect(h.line.calls).toHaveLength(1);
  });
});

describe('UserAgent: headers the 2xx copies', () => {
  it('Via, From, Call-ID and CSeq are the INVITE’s (§8.2.6.2)', async () => {
    const h = uaHarness();
    const { invite, ok } = await h.call(new TestCaller());
    for (const name of ['via', 'from', 'call-id', 'cseq']) expect(getHeaders(ok, name), name).toEqual(getHeaders(invite, name));
  });
});
