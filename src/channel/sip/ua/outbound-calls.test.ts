import { describe, expect, it } from 'vitest';
import type { CallInput } from '../../../call/index.ts';
import { getHeader, getHeaders, parseCSeq, parseNameAddr, parseVia, responseTo, serializeMessage } from '../grammar/index.ts';
import type { SipRequest, SipResponse } from '../grammar/message.ts';
import type { Peer } from '../core/transport.ts';
import { sipMessage } from './testing/test-caller.ts';
import { uaHarness } from './testing/ua-harness.ts';
import { Sensitive } from '../../../shared/index.ts';
import { parseDigestChallenge, digestAuthorization } from './digest.ts';
import { failureFor, type DialResult } from './outbound-calls.ts';
import type { SipCall } from './sip-call.ts';

const TRUNK: Peer = { protocol: 'udp', address: '203.0.113.5', port: 5070 };
const ANSWER =
  'v=0\r\no=callee 1 1 IN IP4 203.0.113.9\r\ns=-\r\nc=IN IP4 203.0.113.9\r\nt=0 0\r\nm=audio 30000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n';

/** A line-side input that remembers what the call told it. */
function recordingInput(): CallInput & { events: string[] } {
  const events: string[] = [];
  return {
    callId: 'call-1',
    events,
    digit: (k) => events.push(`digit:${k}`),
    promptEnded: (id) => events.push(`ended:${id}`),
    hangup: () => events.push('hangup'),
    ended: new Promise(() => {}),
  };
}

const CREDENTIALS = { username: 'clave-trunk', password: new Sensitive('s3cret pass') };

function setUp(ringMs = 30_000, signal?: AbortSignal, credentials?: typeof CREDENTIALS) {
  const h = uaHarness({ trunk: { peer: TRUNK, ...(credentials ? { credentials } : {}) } });
  const input = recordingInput();
  let attached: SipCall | null = null;
  let result: DialResult | null = null;
  void h.ua
    .dial({ number: '+34600111222', callerId: '950183313', displayName: 'Clave Bank', ringMs, ...(signal ? { signal } : {}) }, (call) => {
      attached = call;
      return input;
    })
    .then((r) => (result = r));
  const invite = async (): Promise<SipRequest> => {
    await h.clock.advance(0);
    const sent = h.wire.requests('INVITE')[0];
    if (!sent) throw new Error('no INVITE went out');
    return sent;
  };
  /** A response from the callee's side, through the trunk. */
  const respond = (req: SipRequest, status: number, reason: string, opts: { tag?: string; body?: string; extra?: [string, string][] } = {}) => {
    const r: SipResponse = responseTo(req, status, reason, opts.extra ?? [], opts.body ? Buffer.from(opts.body) : undefined, opts.tag);
    h.send(r, TRUNK);
  };
  return { h, input, invite, respond, attached: () => attached, result: () => result };
}

describe('outbound calls (the call-back)', () => {
  it('sends an INVITE with our offer through the trunk, and on the 2xx acknowledges it, builds the dialog and hands the call to the line', async () => {
    const t = setUp();
    const invite = await t.invite();
    const sentTo = t.h.wire.sent.find((s) => s.message === invite)?.to;
    expect(sentTo).toEqual(TRUNK);
    expect(invite.rawUri).toBe('sip:+34600111222@203.0.113.5:5070');
    expect(parseNameAddr(getHeader(invite, 'from')!).uri.user).toBe('950183313');
    expect(parseNameAddr(getHeader(invite, 'from')!).params['tag']).toMatch(/^[0-9a-f]{16}$/);
    expect(parseNameAddr(getHeader(invite, 'to')!).params['tag']).toBeUndefined();
    expect(getHeader(invite, 'content-type')).toBe('application/sdp');
    expect(invite.body.toString()).toContain('m=audio 40000 RTP/AVP 0 8 101');
    expect(parseVia(getHeader(invite, 'via')!).params['branch']).toMatch(/^z9hG4bK/);

    t.respond(invite, 100, 'Trying');
    t.respond(invite, 180, 'Ringing', { tag: 'callee1' });
    await t.h.clock.advance(0);
    expect(t.result()).toBeNull();
    t.respond(invite, 200, 'OK', {
      tag: 'callee1',
      body: ANSWER,
      extra: [['Contact', '<sip:phone@203.0.113.9:5062>'], ['Record-Route', '<sip:p1.example;lr>'], ['Record-Route', '<sip:p2.example;lr>'], ['Content-Type', 'application/sdp']],
    });
    await t.h.clock.advance(0);
    expect(t.result()).toEqual({ kind: 'answered', callId: getHeader(invite, 'call-id') });

    // RFC 3261 §13.2.2.4: the ACK goes to the Contact of the 2xx, through the reversed Record-Route, with the INVITE's CSeq number.
    const ack = t.h.wire.requests('ACK')[0]!;
    expect(ack.rawUri).toBe('sip:phone@203.0.113.9:5062');
    expect(getHeaders(ack, 'route')).toEqual(['<sip:p2.example;lr>', '<sip:p1.example;lr>']);
    expect(parseCSeq(getHeader(ack, 'cseq')!)).toEqual({ seq: parseCSeq(getHeader(invite, 'cseq')!).seq, method: 'ACK' });
    expect(parseVia(getHeader(ack, 'via')!).params['branch']).not.toBe(parseVia(getHeader(invite, 'via')!).params['branch']);
    expect(parseNameAddr(getHeader(ack, 'to')!).params['tag']).toBe('callee1');
    const media = t.h.media.sessions[0]!;
    expect(media.answers).toEqual([ANSWER]);
    expect(media.log).toEqual(['offer', 'accept', 'start']);
    expect(t.attached()?.state).toBe('live');

    // A retransmitted 2xx (our ACK was lost) is acknowledged again.
    t.respond(invite, 200, 'OK', { tag: 'callee1', body: ANSWER, extra: [['Contact', '<sip:phone@203.0.113.9:5062>'], ['Content-Type', 'application/sdp']] });
    await t.h.clock.advance(0);
    expect(t.h.wire.requests('ACK')).toHaveLength(2);

    // The callee's keys by SIP INFO and its BYE reach the line through the dialog.
    const callId = getHeader(invite, 'call-id')!;
    const fromTag = parseNameAddr(getHeader(invite, 'from')!).params['tag']!;
    const inDialog = (method: string, seq: number, extra: string[] = [], body = '') =>
      sipMessage([
        `${method} sip:clave@198.51.100.1:5060 SIP/2.0`,
        `Via: SIP/2.0/UDP 203.0.113.5:5070;branch=z9hG4bK-callee-${method}-${seq}`,
        'Max-Forwards: 70',
        'From: <sip:+34600111222@203.0.113.5>;tag=callee1',
        `To: "Clave Bank" <sip:950183313@198.51.100.1>;tag=${fromTag}`,
        `Call-ID: ${callId}`,
        `CSeq: ${seq} ${method}`,
        ...extra,
      ], body);
    t.h.send(inDialog('INFO', 1, ['Content-Type: application/dtmf-relay'], 'Signal=1\r\nDuration=160\r\n'), TRUNK);
    t.h.send(inDialog('BYE', 2), TRUNK);
    await t.h.clock.advance(0);
    expect(t.input.events).toEqual(['digit:1', 'hangup']);
    expect(t.h.responses('BYE').map((r) => r.status)).toEqual([200]);
    expect(t.h.ua.calls.size).toBe(0);
  });

  it('hangs up with a BYE in the dialog, from our side', async () => {
    const t = setUp();
    const invite = await t.invite();
    t.respond(invite, 200, 'OK', { tag: 'c2', body: ANSWER, extra: [['Contact', '<sip:phone@203.0.113.9:5062>'], ['Content-Type', 'application/sdp']] });
    await t.h.clock.advance(0);
    t.attached()!.hangup('signing_key_read');
    const bye = t.h.wire.requests('BYE')[0]!;
    expect(bye.rawUri).toBe('sip:phone@203.0.113.9:5062');
    expect(parseNameAddr(getHeader(bye, 'from')!).params['tag']).toBe(parseNameAddr(getHeader(invite, 'from')!).params['tag']);
    expect(parseNameAddr(getHeader(bye, 'to')!).params['tag']).toBe('c2');
    // §12.2.1.1: the dialog's local sequence goes on from the INVITE's.
    expect(parseCSeq(getHeader(bye, 'cseq')!).seq).toBe(parseCSeq(getHeader(invite, 'cseq')!).seq + 1);
  });

  it('takes a busy callee as busy: the transaction acknowledges the 486 on the INVITE branch, and again for its retransmission', async () => {
    const t = setUp();
    const invite = await t.invite();
    t.respond(invite, 486, 'Busy Here', { tag: 'b1' });
    await t.h.clock.advance(0);
    expect(t.result()).toEqual({ kind: 'failed', reason: 'busy', status: 486 });
    const acks = () => t.h.wire.requests('ACK');
    expect(acks()).toHaveLength(1);
    expect(getHeader(acks()[0]!, 'via')).toBe(getHeader(invite, 'via'));
    expect(acks()[0]!.rawUri).toBe(invite.rawUri);
    expect(parseNameAddr(getHeader(acks()[0]!, 'to')!).params['tag']).toBe('b1');
    t.respond(invite, 486, 'Busy Here', { tag: 'b1' });
    await t.h.clock.advance(0);
    expect(acks()).toHaveLength(2);
    expect(t.h.media.sessions[0]!.closed).toBe(true);
  });

  it('cancels a call that rings too long (RFC 3261 §9.1) and reports no answer', async () => {
    const t = setUp(20_000);
    const invite = await t.invite();
    t.respond(invite, 180, 'Ringing', { tag: 'r1' });
    await t.h.clock.advance(19_999);
    expect(t.h.wire.requests('CANCEL')).toHaveLength(0);
    await t.h.clock.advance(1);
    const cancel = t.h.wire.requests('CANCEL')[0]!;
    expect(getHeader(cancel, 'via')).toBe(getHeader(invite, 'via'));
    expect(getHeader(cancel, 'cseq')).toBe(`${parseCSeq(getHeader(invite, 'cseq')!).seq} CANCEL`);
    expect(getHeader(cancel, 'to')).toBe(getHeader(invite, 'to'));
    t.respond(cancel, 200, 'OK');
    t.respond(invite, 487, 'Request Terminated', { tag: 'r1' });
    await t.h.clock.advance(0);
    expect(t.result()).toEqual({ kind: 'failed', reason: 'no_answer', status: 487 });
  });

  it('holds the CANCEL until the first provisional response, as §9.1 asks', async () => {
    const controller = new AbortController();
    const t = setUp(30_000, controller.signal);
    const invite = await t.invite();
    controller.abort();
    await t.h.clock.advance(0);
    expect(t.h.wire.requests('CANCEL')).toHaveLength(0);
    t.respond(invite, 100, 'Trying');
    await t.h.clock.advance(0);
    expect(t.h.wire.requests('CANCEL')).toHaveLength(1);
    t.respond(invite, 487, 'Request Terminated', { tag: 'x' });
    await t.h.clock.advance(0);
    expect(t.result()).toMatchObject({ kind: 'failed', reason: 'cancelled' });
  });

  it('retransmits the INVITE on Timer A (T1, doubling) and gives up on Timer B: unreachable', async () => {
    const t = setUp(60_000);
    await t.invite();
    await t.h.clock.advance(32_000);
    const times = t.h.wire.sent.filter((s) => s.message.kind === 'request' && s.message.method === 'INVITE').map((s) => s.at - t.h.start);
    expect(times).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(t.result()).toEqual({ kind: 'failed', reason: 'unreachable' });
  });

  it('acknowledges and ends a second answer from a forked branch', async () => {
    const t = setUp();
    const invite = await t.invite();
    const extra: [string, string][] = [['Contact', '<sip:phone@203.0.113.9:5062>'], ['Content-Type', 'application/sdp']];
    t.respond(invite, 200, 'OK', { tag: 'first', body: ANSWER, extra });
    t.respond(invite, 200, 'OK', { tag: 'second', body: ANSWER, extra: [['Contact', '<sip:tablet@203.0.113.10:5062>'], ['Content-Type', 'application/sdp']] });
    await t.h.clock.advance(0);
    expect(t.h.wire.requests('ACK').map((a) => parseNameAddr(getHeader(a, 'to')!).params['tag'])).toEqual(['first', 'second']);
    const byes = t.h.wire.requests('BYE');
    expect(byes.map((b) => b.rawUri)).toEqual(['sip:tablet@203.0.113.10:5062']);
    expect(t.attached()?.dialog.remoteTag).toBe('first');
  });

  it('ends an answered call whose SDP answer it cannot use: ACK, then BYE, and no call for the line', async () => {
    const t = setUp();
    const invite = await t.invite();
    t.h.media.sessions[0]!.acceptsAnswer = false;
    t.respond(invite, 200, 'OK', { tag: 'v', body: 'v=0\r\n', extra: [['Contact', '<sip:phone@203.0.113.9:5062>'], ['Content-Type', 'application/sdp']] });
    await t.h.clock.advance(0);
    expect(t.result()).toEqual({ kind: 'failed', reason: 'no_media', status: 200 });
    expect(t.h.wire.requests('ACK')).toHaveLength(1);
    expect(t.h.wire.requests('BYE')).toHaveLength(1);
    expect(t.attached()).toBeNull();
  });

  describe('a trunk that challenges (RFC 3261 §22.2)', () => {
    const ok = (t: ReturnType<typeof setUp>, invite: SipRequest) =>
      t.respond(invite, 200, 'OK', { tag: 'ok', body: ANSWER, extra: [['Contact', '<sip:phone@203.0.113.9:5062>'], ['Content-Type', 'application/sdp']] });
    const seq = (r: SipRequest) => parseCSeq(getHeader(r, 'cseq')!).seq;
    const branch = (r: SipRequest) => parseVia(getHeader(r, 'via')!).params['branch'];
    /** Checks an Authorization value the way the trunk would, recomputing it with the password. */
    const verifies = (value: string, challenge: string, req: SipRequest) => {
      const cnonce = /cnonce="([^"]+)"/.exec(value)?.[1];
      const expected = digestAuthorization(parseDigestChallenge(challenge)!, { username: CREDENTIALS.username, password: 's3cret pass' }, {
        method: 'INVITE', uri: req.rawUri, body: req.body, nc: 1, ...(cnonce ? { cnonce } : {}),
      });
      return value === expected;
    };

    it('answers a 407 with the INVITE again: same Call-ID, From and To, CSeq + 1, a new branch, and Proxy-Authorization', async () => {
      const t = setUp(30_000, undefined, CREDENTIALS);
      const first = await t.invite();
      const challenge = 'Digest realm="sbc.example.net", nonce="n-407-1", qop="auth", algorithm=SHA-256, opaque="o1"';
      t.respond(first, 407, 'Proxy Authentication Required', { tag: 'sbc', extra: [['Proxy-Authenticate', challenge]] });
      await t.h.clock.advance(0);
      // The 407 is acknowledged on the first INVITE's branch, by the transaction.
      const ack = t.h.wire.requests('ACK')[0]!;
      expect(branch(ack)).toBe(branch(first));
      const invites = t.h.wire.requests('INVITE');
      expect(invites).toHaveLength(2);
      const second = invites[1]!;
      for (const name of ['call-id', 'from', 'to', 'contact', 'content-type']) expect(getHeader(second, name), name).toBe(getHeader(first, name));
      expect(second.rawUri).toBe(first.rawUri);
      expect(second.body.equals(first.body)).toBe(true);
      expect(seq(second)).toBe(seq(first) + 1);
      expect(branch(second)).not.toBe(branch(first));
      expect(getHeader(second, 'authorization')).toBeUndefined();
      const auth = getHeader(second, 'proxy-authorization')!;
      expect(auth).toMatch(/^Digest username="clave-trunk", realm="sbc\.example\.net", nonce="n-407-1", uri="sip:\+34600111222@203\.0\.113\.5:5070", response="[0-9a-f]{64}", algorithm=SHA-256/);
      expect(verifies(auth, challenge, second)).toBe(true);
      expect(auth).not.toContain('s3cret');
      // RFC 3261 §18.1.1: a request within 200 bytes of the MTU (1500) must go over TCP; ours stays well under, so UDP is right.
      expect(serializeMessage(second).length).toBeLessThan(1300);
      expect(t.result()).toBeNull();

      // A late response to the first INVITE changes nothing; the second one's 200 is the call.
      t.respond(first, 407, 'Proxy Authentication Required', { tag: 'sbc', extra: [['Proxy-Authenticate', challenge]] });
      ok(t, second);
      await t.h.clock.advance(0);
      expect(t.h.wire.requests('INVITE')).toHaveLength(2);
      expect(t.result()).toEqual({ kind: 'answered', callId: getHeader(first, 'call-id') });
      // The ACK for the 2xx and the dialog go on from the INVITE that was answered.
      expect(seq(t.h.wire.requests('ACK').at(-1)!)).toBe(seq(second));
      t.attached()!.hangup('signing_key_read');
      expect(seq(t.h.wire.requests('BYE')[0]!)).toBe(seq(second) + 1);
    });

    it('answers a 401 with Authorization, keeping the Proxy-Authorization of an earlier 407, and a stale nonce once more', async () => {
      const t = setUp(30_000, undefined, CREDENTIALS);
      const proxyChallenge = 'Digest realm="proxy", nonce="p1", qop="auth"';
      t.respond(await t.invite(), 407, 'Proxy Authentication Required', { tag: 'p', extra: [['Proxy-Authenticate', proxyChallenge]] });
      await t.h.clock.advance(0);
      const second = t.h.wire.requests('INVITE')[1]!;
      // Two challenges of one realm: the topmost we can answer (the first is an algorithm we lack).
      const uasChallenge = 'Digest realm="uas", nonce="u1", algorithm=MD5';
      t.respond(second, 401, 'Unauthorized', { tag: 'u', extra: [['WWW-Authenticate', 'Digest realm="uas", nonce="u0", algorithm=SHA-512-256'], ['WWW-Authenticate', uasChallenge]] });
      await t.h.clock.advance(0);
      const third = t.h.wire.requests('INVITE')[2]!;
      expect(getHeader(third, 'proxy-authorization')).toBe(getHeader(second, 'proxy-authorization'));
      expect(verifies(getHeader(third, 'authorization')!, uasChallenge, third)).toBe(true);
      const stale = 'Digest realm="uas", nonce="u2", algorithm=MD5, stale=true';
      t.respond(third, 401, 'Unauthorized', { tag: 'u', extra: [['WWW-Authenticate', stale]] });
      await t.h.clock.advance(0);
      const fourth = t.h.wire.requests('INVITE')[3]!;
      expect(getHeaders(fourth, 'authorization')).toHaveLength(1);
      expect(verifies(getHeader(fourth, 'authorization')!, stale, fourth)).toBe(true);
      expect(seq(fourth)).toBe(seq(third) + 1);
      ok(t, fourth);
      await t.h.clock.advance(0);
      expect(t.result()).toMatchObject({ kind: 'answered' });
    });

    it('takes the same realm refusing the answer as wrong credentials: refused, logged without the password', async () => {
      const t = setUp(30_000, undefined, CREDENTIALS);
      const challenge = 'Digest realm="sbc", nonce="n1", qop="auth"';
      t.respond(await t.invite(), 407, 'Proxy Authentication Required', { tag: 's', extra: [['Proxy-Authenticate', challenge]] });
      await t.h.clock.advance(0);
      t.respond(t.h.wire.requests('INVITE')[1]!, 407, 'Proxy Authentication Required', { tag: 's', extra: [['Proxy-Authenticate', 'Digest realm="sbc", nonce="n2", qop="auth"']] });
      await t.h.clock.advance(0);
      expect(t.h.wire.requests('INVITE')).toHaveLength(2);
      expect(t.result()).toEqual({ kind: 'failed', reason: 'refused', status: 407 });
      expect(t.h.media.sessions[0]!.closed).toBe(true);
      const logged = t.h.logs.join('\n');
      expect(logged).toContain('the trunk refused the call-back credentials');
      expect(logged).not.toContain('s3cret');
    });

    it('refuses a challenge without credentials, or one it cannot answer, or once it has given up on the call', async () => {
      const none = setUp();
      none.respond(await none.invite(), 401, 'Unauthorized', { tag: 'x', extra: [['WWW-Authenticate', 'Digest realm="r", nonce="n"']] });
      await none.h.clock.advance(0);
      expect(none.result()).toEqual({ kind: 'failed', reason: 'refused', status: 401 });

      const basic = setUp(30_000, undefined, CREDENTIALS);
      basic.respond(await basic.invite(), 401, 'Unauthorized', { tag: 'x', extra: [['WWW-Authenticate', 'Basic realm="r"']] });
      await basic.h.clock.advance(0);
      expect(basic.result()).toEqual({ kind: 'failed', reason: 'refused', status: 401 });
      expect(basic.h.wire.requests('INVITE')).toHaveLength(1);

      const controller = new AbortController();
      const gone = setUp(30_000, controller.signal, CREDENTIALS);
      const invite = await gone.invite();
      gone.respond(invite, 100, 'Trying');
      controller.abort();
      gone.respond(invite, 407, 'Proxy Authentication Required', { tag: 'x', extra: [['Proxy-Authenticate', 'Digest realm="r", nonce="n"']] });
      await gone.h.clock.advance(0);
      expect(gone.h.wire.requests('INVITE')).toHaveLength(1);
      expect(gone.result()).toMatchObject({ kind: 'failed', reason: 'cancelled', status: 407 });
    });
  });

  it('says in the log when an INVITE is too big for UDP (RFC 3261 §18.1.1), and sends it all the same', async () => {
    const h = uaHarness({ trunk: { peer: TRUNK } });
    void h.ua.dial({ number: '+34600111222', callerId: '950183313', displayName: 'B'.repeat(1300), ringMs: 30_000 }, () => recordingInput());
    await h.clock.advance(0);
    expect(h.wire.requests('INVITE')).toHaveLength(1);
    expect(h.logs.filter((l) => l.includes('over 1300 bytes'))).toHaveLength(1);
    const small = uaHarness({ trunk: { peer: TRUNK } });
    void small.ua.dial({ number: '+34600111222', callerId: '950183313', ringMs: 30_000 }, () => recordingInput());
    await small.clock.advance(0);
    expect(small.logs.filter((l) => l.includes('over 1300 bytes'))).toHaveLength(0);
  });

  it('places no call without a trunk', async () => {
    const h = uaHarness();
    const r = await h.ua.dial({ number: '+34600111222', callerId: '950183313', ringMs: 1000 }, () => recordingInput());
    expect(r).toEqual({ kind: 'failed', reason: 'not_configured' });
    expect(h.wire.sent).toHaveLength(0);
  });

  it('reads what a final response says about the number', () => {
    expect([486, 600, 480, 408, 603, 404, 484, 302, 401, 503].map((s) => failureFor(s))).toEqual([
      'busy', 'busy', 'no_answer', 'no_answer', 'declined', 'unreachable', 'unreachable', 'unreachable', 'refused', 'refused',
    ]);
    expect(failureFor(487, 'ring')).toBe('no_answer');
    expect(failureFor(487, 'abort')).toBe('cancelled');
    expect(failureFor(486, 'abort')).toBe('cancelled');
  });
});
