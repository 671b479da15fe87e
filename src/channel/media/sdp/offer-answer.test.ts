import { describe, expect, it } from 'vitest';
import { expectMalformed } from '../testing/expect-malformed.ts';
import { BARESIP_G711_LINES, crlf, SIPP_PCMU } from '../testing/sdp-fixtures.ts';
import { answerAudioOffer, type AnswerOptions, type AudioAnswer } from './offer-answer.ts';
import { parseSdp } from './sdp.ts';

const OPTS: AnswerOptions = {
  origin: { username: 'clave', sessionId: '4711', sessionVersion: '1', address: '192.0.2.10' },
  local: { address: '192.0.2.10', port: 40000 },
};

function accepted(offer: string, opts: AnswerOptions = OPTS): AudioAnswer {
  const result = answerAudioOffer(offer, opts);
  if (!result.ok) throw new Error(`expected an answer, got 488 ${result.reason}`);
  return result;
}

// SIPp's built-in uac scenario (sipp -sn uac), fields filled in.
const SIPP_UAC = SIPP_PCMU;

// SIPp's uac_pcap scenario: PCMA plus telephone-event for its DTMF pcap.
const SIPP_UAC_PCAP = crlf([
  'v=0',
  'o=user1 53655765 2353687637 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 6000 RTP/AVP 8 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-11,16',
]);

// A baresip 3.x offer: opus first, then G.722, PCMU, PCMA, telephone-event.
const BARESIP = crlf([
  'v=0',
  'o=- 1948210567 3702861389 IN IP4 192.168.1.23',
  's=-',
  'c=IN IP4 192.168.1.23',
  't=0 0',
  'a=tool:baresip 3.10.1',
  'm=audio 10004 RTP/AVP 96 9 0 8 101',
  'b=AS:128',
  'a=rtpmap:96 opus/48000/2',
  'a=fmtp:96 stereo=1;sprop-stereo=1',
  'a=rtpmap:9 G722/8000',
  ...BARESIP_G711_LINES,
]);

describe('answerAudioOffer', () => {
  it("answers SIPp's default uac offer with PCMU and no telephone-event", () => {
    const a = accepted(SIPP_UAC);
    expect(a.codec).toEqual({ name: 'PCMU', pt: 0 });
    expect(a.telephoneEvent).toBeNull();
    expect(a.remote).toEqual({ address: '127.0.0.1', port: 6000 });
    expect(a.ptime).toBe(20);
    expect(a.direction).toBe('sendrecv');
    expect(a.answerSdp).toBe(
      crlf([
        'v=0',
        'o=clave 4711 1 IN IP4 192.0.2.10',
        's=-',
        'c=IN IP4 192.0.2.10',
        't=0 0',
        'm=audio 40000 RTP/AVP 0',
        'a=rtpmap:0 PCMU/8000',
        'a=ptime:20',
        'a=sendrecv',
      ]),
    );
  });

  it("answers SIPp's uac_pcap offer with PCMA and telephone-event at 101", () => {
    const a = accepted(SIPP_UAC_PCAP);
    expect(a.codec).toEqual({ name: 'PCMA', pt: 8 });
    expect(a.telephoneEvent).toEqual({ pt: 101 });
    expect(a.answerSdp).toContain('m=audio 40000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n');
  });

  it('uses telephone-event at whatever payload type the offer gives (SIPp may say 96)', () => {
    const offer = SIPP_UAC.replace('RTP/AVP 0', 'RTP/AVP 0 96') + 'a=rtpmap:96 telephone-event/8000\r\n';
    const a = accepted(offer);
    expect(a.telephoneEvent).toEqual({ pt: 96 });
    expect(parseSdp(a.answerSdp).media[0]!.formats).toEqual(['0', '96']);
  });

  it('answers baresip with the first G.711 law in its order, skipping opus and G.722', () => {
    const a = accepted(BARESIP);
    expect(a.codec).toEqual({ name: 'PCMU', pt: 0 });
    expect(a.telephoneEvent).toEqual({ pt: 101 });
    expect(a.remote).toEqual({ address: '192.168.1.23', port: 10004 });
    const m = parseSdp(a.answerSdp).media;
    expect(m).toHaveLength(1);
    expect(m[0]!.formats).toEqual(['0', '101']);
    // Nothing of the offer's we did not agree to (opus, rtcp-rsize, ssrc) leaks into the answer.
    expect(a.answerSdp).not.toMatch(/opus|G722|rtcp-rsize|ssrc/);
  });

  it('follows the offer when it prefers PCMA', () => {
    expect(accepted(BARESIP.replace('RTP/AVP 96 9 0 8 101', 'RTP/AVP 8 0 101')).codec).toEqual({ name: 'PCMA', pt: 8 });
  });

  it('accepts G.711 at a dynamic payload type named by rtpmap', () => {
    const offer = crlf(['v=0', 'o=- 1 1 IN IP4 192.0.2.5', 's=-', 'c=IN IP4 192.0.2.5', 't=0 0', 'm=audio 5000 RTP/AVP 110', 'a=rtpmap:110 pcmu/8000']);
    expect(accepted(offer).codec).toEqual({ name: 'PCMU', pt: 110 });
  });

  it('returns 488 for an offer with only G.729', () => {
    const offer = crlf(['v=0', 'o=- 1 1 IN IP4 192.0.2.5', 's=-', 'c=IN IP4 192.0.2.5', 't=0 0', 'm=audio 5000 RTP/AVP 18 101', 'a=rtpmap:18 G729/8000', 'a=fmtp:18 annexb=no', 'a=rtpmap:101 telephone-event/8000']);
    expect(answerAudioOffer(offer, OPTS)).toEqual({ ok: false, status: 488, reason: 'no-common-codec', warning: { code: 305, text: 'Incompatible media format' } });
  });

  it('returns 488 when there is no audio, or only over SRTP', () => {
    const video = crlf(['v=0', 'o=- 1 1 IN IP4 192.0.2.5', 's=-', 'c=IN IP4 192.0.2.5', 't=0 0', 'm=video 5002 RTP/AVP 96', 'a=rtpmap:96 H264/90000']);
    expect(answerAudioOffer(video, OPTS)).toMatchObject({ ok: false, status: 488, reason: 'no-audio', warning: { code: 304 } });
    const srtp = crlf(['v=0', 'o=- 1 1 IN IP4 192.0.2.5', 's=-', 'c=IN IP4 192.0.2.5', 't=0 0', 'm=audio 5000 RTP/SAVP 0', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz']);
    expect(answerAudioOffer(srtp, OPTS)).toMatchObject({ ok: false, status: 488, reason: 'unsupported-transport', warning: { code: 302 } });
  });

  it('answers an IPv6 offer and advertises an IPv6 address of ours', () => {
    const offer = crlf(['v=0', 'o=- 1 1 IN IP6 2001:db8::5', 's=-', 'c=IN IP6 2001:db8::5', 't=0 0', 'm=audio 5000 RTP/AVP 8 0', 'a=rtpmap:8 PCMA/8000']);
    const a = accepted(offer, { ...OPTS, origin: { ...OPTS.origin, address: '2001:db8::10' }, local: { address: '2001:db8::10', port: 40002 } });
    expect(a.remote).toEqual({ address: '2001:db8::5', port: 5000 });
    expect(a.codec).toEqual({ name: 'PCMA', pt: 8 });
    expect(a.answerSdp).toContain('o=clave 4711 1 IN IP6 2001:db8::10\r\n');
    expect(a.answerSdp).toContain('c=IN IP6 2001:db8::10\r\n');
  });

  it('mirrors the direction of the offer (RFC 3264 §6.1)', () => {
    const withDirection = (d: string) => accepted(SIPP_UAC + `a=${d}\r\n`);
    expect(withDirection('sendonly').direction).toBe('recvonly');
    expect(withDirection('recvonly').direction).toBe('sendonly');
    expect(withDirection('inactive').direction).toBe('inactive');
    expect(withDirection('sendrecv').direction).toBe('sendrecv');
    expect(withDirection('sendonly').answerSdp).toContain('a=recvonly\r\n');
    // A session-level direction applies to the stream.
    expect(accepted(SIPP_UAC.replace('t=0 0\r\n', 't=0 0\r\na=sendonly\r\n')).direction).toBe('recvonly');
  });

  it('answers a hold offer (a=sendonly, c=0.0.0.0) without sending', () => {
    const hold = SIPP_UAC.replace('c=IN IP4 127.0.0.1', 'c=IN IP4 0.0.0.0') + 'a=sendonly\r\n';
    const a = accepted(hold);
    expect(a.remote).toEqual({ address: '0.0.0.0', port: 6000 });
    // They play music on hold to us: we listen and send nothing.
    expect(a.direction).toBe('recvonly');
    expect(a.answerSdp).toContain('a=recvonly\r\n');
    // Held the other way round (we would send, but to 0.0.0.0): nothing flows.
    expect(accepted(SIPP_UAC.replace('c=IN IP4 127.0.0.1', 'c=IN IP4 0.0.0.0') + 'a=recvonly\r\n').direction).toBe('inactive');
    // RFC 2543-style hold: c=0.0.0.0 alone still means "send nothing".
    const old = accepted(SIPP_UAC.replace('c=IN IP4 127.0.0.1', 'c=IN IP4 0.0.0.0'));
    expect(old.direction).toBe('recvonly');
  });

  it('answers extra and rejected m-lines with port 0, in the offer order (RFC 3264 §6)', () => {
    const offer = crlf([
      'v=0',
      'o=- 1 1 IN IP4 192.0.2.5',
      's=-',
      'c=IN IP4 192.0.2.5',
      't=0 0',
      'm=audio 0 RTP/AVP 0',
      'm=video 5002 RTP/AVP 96',
      'a=rtpmap:96 H264/90000',
      'm=audio 5000 RTP/AVP 0 101',
      'c=IN IP4 192.0.2.6',
      'a=rtpmap:101 telephone-event/8000',
      'm=audio 5004 RTP/AVP 8',
      'm=application 5006 UDP/BFCP *',
    ]);
    const a = accepted(offer);
    expect(a.mediaIndex).toBe(2);
    expect(a.remote).toEqual({ address: '192.0.2.6', port: 5000 });
    const m = parseSdp(a.answerSdp).media;
    expect(m.map((x) => `${x.media} ${x.port} ${x.protocol} ${x.formats.join(' ')}`)).toEqual([
      'audio 0 RTP/AVP 0',
      'video 0 RTP/AVP 96',
      'audio 40000 RTP/AVP 0 101',
      'audio 0 RTP/AVP 8',
      'application 0 UDP/BFCP *',
    ]);
    expect(m.filter((x) => x.port === 0).every((x) => x.attributes.length === 0)).toBe(true);
  });

  it("copies the offer's t= line (RFC 3264 §6) and takes o= from the inputs", () => {
    const a = accepted(SIPP_UAC.replace('t=0 0', 't=3034423619 3042462419'));
    expect(a.answerSdp).toContain('t=3034423619 3042462419\r\n');
    expect(a.answerSdp).toContain('o=clave 4711 1 IN IP4 192.0.2.10\r\n');
    expect(accepted(SIPP_UAC, { ...OPTS, origin: { sessionId: '9223372036854775807', sessionVersion: '2', address: '192.0.2.10' }, sessionName: 'Clave' }).answerSdp).toContain(
      'o=- 9223372036854775807 2 IN IP4 192.0.2.10\r\ns=Clave\r\n',
    );
  });

  it("sends at the offer's ptime when usable, bounded by maxptime", () => {
    expect(accepted(SIPP_UAC + 'a=ptime:30\r\n').ptime).toBe(30);
    expect(accepted(SIPP_UAC + 'a=ptime:5\r\n').ptime).toBe(20);
    expect(accepted(SIPP_UAC + 'a=ptime:200\r\n').ptime).toBe(20);
    expect(accepted(SIPP_UAC + 'a=maxptime:10\r\n').ptime).toBe(10);
    expect(accepted(SIPP_UAC, { ...OPTS, ptime: 40 }).answerSdp).toContain('a=ptime:40\r\n');
  });

  it('accepts an already parsed offer', () => {
    expect(accepted(SIPP_UAC_PCAP).answerSdp).toBe((answerAudioOffer(parseSdp(SIPP_UAC_PCAP), OPTS) as AudioAnswer).answerSdp);
  });

  it('throws MALFORMED_SDP for a broken offer or a stream without an address', () => {
    expectMalformed(() => answerAudioOffer('INVITE sip:x SIP/2.0', OPTS), 'MALFORMED_SDP', 'syntax');
    expectMalformed(() => answerAudioOffer(SIPP_UAC.replace('v=0', 'v=1'), OPTS), 'MALFORMED_SDP', 'version');
    const noAddress = SIPP_UAC.replace('c=IN IP4 127.0.0.1\r\n', '');
    expectMalformed(() => answerAudioOffer(noAddress, OPTS), 'MALFORMED_SDP', 'connection');
  });

  it('refuses bad options as a caller bug', () => {
    expectMalformed(() => answerAudioOffer(SIPP_UAC, { ...OPTS, local: { address: '192.0.2.10', port: 0 } }), 'INVALID_ARGUMENT');
    expectMalformed(() => answerAudioOffer(SIPP_UAC, { ...OPTS, ptime: 7 }), 'INVALID_ARGUMENT');
    expectMalformed(() => answerAudioOffer(SIPP_UAC, { ...OPTS, origin: { ...OPTS.origin, sessionVersion: '9223372036854775808' } }), 'INVALID_ARGUMENT');
    expectMalformed(() => answerAudioOffer(SIPP_UAC, { ...OPTS, origin: { ...OPTS.origin, sessionId: 'abc' } }), 'INVALID_ARGUMENT');
  });
});
