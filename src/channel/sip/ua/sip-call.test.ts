import { describe, expect, it } from 'vitest';
import { getHeader, getHeaders, parseCSeq, parseNameAddr, parseVia } from '../grammar/index.ts';
import type { SipRequest } from '../grammar/message.ts';
import { OFFER_SDP, TestCaller } from './testing/test-caller.ts';
import { uaHarness } from './testing/ua-harness.ts';

const tagOf = (value: string | undefined) => parseNameAddr(value ?? '').params['tag'];
const seqOf = (req: SipRequest) => parseCSeq(getHeader(req, 'cseq') ?? '');

describe('SipCall: the line hangs up (RFC 3261 §15.1.1)', () => {
  it('sends a BYE in the dialog: remote target, our tag in From, theirs in To, the same Call-ID', async () => {
    const h = uaHarness();
    const { sipCall, ok, caller } = await h.live();
    sipCall.hangup('completed');
    const [sent] = h.wire.sent.filter((s) => s.message.kind === 'request');
    const bye = h.wire.requests('BYE')[0]!;
    expect(sent?.to).toEqual(caller.peer);
    // §12.2.1.1: "The URI in the To field of the request MUST be set to the remote URI from the dialog state…
    // the Request-URI MUST be set to the remote target" (the INVITE's Contact).
    expect(bye.rawUri).toBe('sip:maria@192.0.2.10:5062;transport=udp');
    expect(parseNameAddr(getHeader(bye, 'from')!).uri.user).toBe('900100200');
    expect(tagOf(getHeader(bye, 'from'))).toBe(tagOf(getHeader(ok, 'to')));
    expect(parseNameAddr(getHeader(bye, 'to')!).uri.user).toBe('600111222');
    expect(tagOf(getHeader(bye, 'to'))).toBe(caller.fromTag);
    expect(getHeader(bye, 'call-id')).toBe(caller.callId);
    expect(seqOf(bye).method).toBe('BYE');
    const via = parseVia(getHeader(bye, 'via')!);
    expect(via).toMatchObject({ transport: 'UDP', host: '198.51.100.1', port: 5060 });
    expect(via.params['branch']).toMatch(/^z9hG4bK/);
    expect(getHeader(bye, 'max-forwards')).toBe('70');
    expect(sipCall.state).toBe('ending');
    // The caller's 200 ends the call; the line is not told the caller hung up (it hung up itself).
    h.send(caller.answer(bye, 200, 'OK'), caller.peer);
    await h.clock.advance(0);
    expect(sipCall.state).toBe('ended');
    expect(h.ua.calls.size).toBe(0);
    expect(h.media.sessions[0]?.closed).toBe(true);
    expect(h.line.calls[0]?.log).toEqual([]);
  });

  it('each request the line sends takes the next CSeq of the dialog', async () => {
    const h = uaHarness();
    const { sipCall, caller } = await h.live();
    const transfer = sipCall.transfer('sip:agent@pbx.test');
    const refer = h.wire.requests('REFER')[0]!;
    h.send(caller.answer(refer, 202, 'Accepted'), caller.peer);
    expect(await transfer).toBe('completed');
    sipCall.hangup('transferred');
    const bye = h.wire.requests('BYE')[0]!;
    expect(seqOf(bye).seq).toBe(seqOf(refer).seq + 1);
    // A second hangup is a no-op.
    sipCall.hangup('transferred');
    expect(h.wire.requests('BYE')).toHaveLength(1);
  });

  it('retransmits the BYE over UDP, and ends the call when nobody answers it (Timer F)', async () => {
    const h = uaHarness();
    const { sipCall } = await h.live();
    sipCall.hangup('completed');
    await h.clock.advance(1600);
    expect(h.wire.requests('BYE')).toHaveLength(3);
    await h.clock.advance(32_000);
    expect(sipCall.state).toBe('ended');
    expect(h.layer.clientCount).toBe(0);
  });

  it('a BYE from the caller crossing ours is answered 200 and the line hears nothing more', async () => {
    const h = uaHarness();
    const { sipCall, caller, input } = await h.live();
    sipCall.hangup('completed');
    h.send(caller.request('BYE'), caller.peer);
    expect(h.responses('BYE').map((r) => r.status)).toEqual([200]);
    expect(input.log).toEqual([]);
    expect(sipCall.state).toBe('ended');
  });

  it('writes a tel: caller back as a tel: URI (no empty host), and routes through the Record-Route set', async () => {
    const h = uaHarness();
    const caller = new TestCaller({ fromUri: 'tel:+34600111222' });
    const { sipCall, input } = await h.live(caller, { extra: ['Record-Route: <sip:p1.test;lr>', 'Record-Route: <sip:p2.test;lr>'] });
    expect(input.from).toBe('+34600111222');
    sipCall.hangup('completed');
    const bye = h.wire.requests('BYE')[0]!;
    expect(getHeader(bye, 'to')).toBe(`Maria <tel:+34600111222>;tag=${caller.fromTag}`);
    // §12.1.1: the UAS route set is the Record-Route list in order.
    expect(getHeaders(bye, 'route')).toEqual(['<sip:p1.test;lr>', '<sip:p2.test;lr>']);
  });

  it('a caller without a From tag (RFC 2543) gets a To without a tag', async () => {
    const h = uaHarness();
    const caller = new TestCaller();
    const invite = caller.invite();
    invite.headers = invite.headers.map(([n, v]) => [n, n === 'From' ? v.replace(/;tag=.*/, '') : v]);
    h.send(invite);
    await h.clock.advance(0);
    const ok = h.responses('INVITE').find((r) => r.status === 200)!;
    const ack = caller.ack(ok);
    ack.headers = ack.headers.map(([n, v]) => [n, n === 'From' ? v.replace(/;tag=.*/, '') : v]);
    h.send(ack);
    await h.clock.advance(0);
    expect(h.line.calls).toHaveLength(1);
    [...h.ua.calls.values()][0]!.hangup('completed');
    expect(getHeader(h.wire.requests('BYE')[0]!, 'to')).toBe('Maria <sip:600111222@caller.test>');
  });
});

describe('SipCall: blind transfer by REFER (RFC 3515)', () => {
  it('sends REFER with Refer-To and Referred-By; 202 → completed', async () => {
    const h = uaHarness();
    const { sipCall, caller } = await h.live();
    const result = sipCall.transfer('sip:+34900100100@pbx.test');
    const refer = h.wire.requests('REFER')[0]!;
    expect(getHeader(refer, 'refer-to')).toBe('<sip:+34900100100@pbx.test>');
    expect(parseNameAddr(getHeader(refer, 'referred-by')!).uri).toMatchObject({ user: '900100200', host: 'clave.test' });
    expect(tagOf(getHeader(refer, 'to'))).toBe(caller.fromTag);
    expect(getHeader(refer, 'contact')).toBe('<sip:clave@198.51.100.1:5060;transport=udp>');
    h.send(caller.answer(refer, 202, 'Accepted'), caller.peer);
    expect(await result).toBe('completed');
    // The NOTIFYs of the implicit subscription are answered in the dialog.
    h.send(caller.request('NOTIFY', { extra: ['Event: refer', 'Subscription-State: terminated;reason=noresource'], body: 'SIP/2.0 200 OK\r\n', contentType: 'message/sipfrag' }), caller.peer);
    expect(h.responses('NOTIFY').map((r) => r.status)).toEqual([200]);
  });

  it('403 → refused', async () => {
    const h = uaHarness();
    const { sipCall, caller } = await h.live();
    const result = sipCall.transfer('sip:agent@pbx.test');
    h.send(caller.answer(h.wire.requests('REFER')[0]!, 403, 'Forbidden'), caller.peer);
    expect(await result).toBe('refused');
    expect(sipCall.state).toBe('live');
  });

  it('no answer (Timer F) → refused', async () => {
    const h = uaHarness();
    const { sipCall } = await h.live();
    let result: string | null = null;
    void sipCall.transfer('sip:agent@pbx.test').then((r) => (result = r));
    await h.clock.advance(31_999);
    expect(result).toBeNull();
    await h.clock.advance(1);
    expect(result).toBe('refused');
    expect(h.wire.requests('REFER').length).toBeGreaterThan(5);
  });

  it('before the call is live → refused without a REFER', async () => {
    const h = uaHarness();
    await h.call(new TestCaller());
    const sipCall = [...h.ua.calls.values()][0]!;
    expect(await sipCall.transfer('sip:agent@pbx.test')).toBe('refused');
    expect(h.wire.requests('REFER')).toHaveLength(0);
  });
});

describe('SipCall: prompts', () => {
  it('reports promptEnded for the current play only, and stopPlay stops the media', async () => {
    const h = uaHarness();
    const { sipCall, input } = await h.live();
    const media = h.media.sessions[0]!;
    sipCall.play(1, [{ id: 'welcome', text: 'Welcome', params: {} }], { bargeIn: true, language: 'en' });
    media.finishPlay();
    sipCall.play(2, [{ id: 'menu', text: 'Menu', params: {} }], { bargeIn: true, language: 'en' });
    sipCall.stopPlay(1);
    sipCall.stopPlay(2);
    media.finishPlay();
    expect(media.log).toEqual(['start', 'play:welcome', 'play:menu', 'stop']);
    expect(input.log).toEqual(['promptEnded:1']);
  });

  it('passes each play\'s barge-in to the media (a media thread cuts the prompt on a key itself)', async () => {
    const h = uaHarness();
    const { sipCall } = await h.live();
    sipCall.play(1, [{ id: 'welcome', text: 'Welcome', params: {} }], { bargeIn: false, language: 'en' });
    sipCall.play(2, [{ id: 'menu', text: 'Menu', params: {} }], { bargeIn: true, language: 'en' });
    expect(h.media.sessions[0]!.bargeIns).toEqual([false, true]);
  });
});

describe('SipCall: media failure', () => {
  it('media that dies under a live call ends it: BYE to the caller, the line told, the media closed', async () => {
    const h = uaHarness();
    const { sipCall, input, caller } = await h.live();
    const media = h.media.sessions[0]!;
    media.fail();
    const bye = h.wire.requests('BYE');
    expect(bye).toHaveLength(1);
    expect(input.log).toEqual(['hangup']);
    expect(sipCall.state).toBe('ending');
    h.send(caller.answer(bye[0]!, 200, 'OK'), caller.peer);
    await h.clock.advance(0);
    expect(sipCall.state).toBe('ended');
    expect(media.closed).toBe(true);
    // A second report changes nothing.
    media.fail();
    expect(h.wire.requests('BYE')).toHaveLength(1);
    expect(input.log).toEqual(['hangup']);
  });
});

describe('SipCall: re-INVITE', () => {
  it('retransmits the 2xx to a re-INVITE until its ACK (§13.3.1.4), and refreshes the remote target (§12.2.2)', async () => {
    const h = uaHarness();
    const { sipCall, caller } = await h.live();
    h.wire.clear();
    const start = h.clock.now();
    const reinvite = caller.request('INVITE', { body: OFFER_SDP, extra: ['Contact: <sip:maria@192.0.2.77:5070>'] });
    h.send(reinvite, caller.peer);
    await h.clock.advance(2000);
    const oks = h.wire.sent.filter((s) => s.message.kind === 'response' && s.message.status === 200);
    expect(oks.map((s) => s.at - start)).toEqual([0, 500, 1500]);
    h.send(caller.request('ACK', { seq: seqOf(reinvite).seq }), caller.peer);
    await h.clock.advance(40_000);
    expect(h.wire.sent.filter((s) => s.message.kind === 'response' && s.message.status === 200)).toHaveLength(3);
    expect(h.wire.requests('BYE')).toHaveLength(0);
    sipCall.hangup('completed');
    expect(h.wire.requests('BYE')[0]?.rawUri).toBe('sip:maria@192.0.2.77:5070');
  });

  it('without the ACK for the re-INVITE 2xx, hangs up after 64*T1 and tells the line', async () => {
    const h = uaHarness();
    const { caller, input } = await h.live();
    h.send(caller.request('INVITE', { body: OFFER_SDP }), caller.peer);
    // An ACK with another CSeq number acknowledges nothing.
    h.send(caller.request('ACK', { seq: 1 }), caller.peer);
    await h.clock.advance(32_000);
    expect(h.wire.requests('BYE')).toHaveLength(1);
    // The line had the call: it learns it is over.
    expect(input.log).toEqual(['hangup']);
  });

  it('no codec in common → 488 and the call goes on', async () => {
    const h = uaHarness();
    const { caller, sipCall } = await h.live();
    h.media.sessions[0]!.answer = null;
    h.send(caller.request('INVITE', { body: OFFER_SDP }), caller.peer);
    expect(h.responses('INVITE').at(-1)?.status).toBe(488);
    expect(sipCall.state).toBe('live');
  });

  it('before the ACK of the first INVITE → 500 with Retry-After 0-10 s (§14.2)', async () => {
    const h = uaHarness();
    const caller = new TestCaller();
    const { ok } = await h.call(caller);
    caller.toTag = tagOf(getHeader(ok, 'to')) ?? null;
    h.send(caller.request('INVITE', { body: OFFER_SDP }), caller.peer);
    const r = h.responses('INVITE').at(-1)!;
    expect(r.status).toBe(500);
    expect(Number(getHeader(r, 'retry-after'))).toBeGreaterThanOrEqual(0);
    expect(Number(getHeader(r, 'retry-after'))).toBeLessThanOrEqual(10);
  });
});
