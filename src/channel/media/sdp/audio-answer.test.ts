import { describe, expect, it } from 'vitest';
import { expectMalformed } from '../testing/expect-malformed.ts';
import { asteriskAnswer, BARESIP_G711_LINES, crlf, SIPP_PCMU } from '../testing/sdp-fixtures.ts';
import { readAudioAnswer, type AnsweredAudio } from './audio-answer.ts';
import { createAudioOffer } from './audio-offer.ts';
import { parseSdp } from './sdp.ts';

/** What Clave offers: PCMU, PCMA, telephone-event at 101, from 192.0.2.10:40000. */
const OFFER = createAudioOffer({ origin: { username: 'clave', sessionId: '4711', sessionVersion: '0', address: '192.0.2.10' }, local: { address: '192.0.2.10', port: 40000 } });

function answered(answer: string, offer: string = OFFER): AnsweredAudio {
  const result = readAudioAnswer(answer, offer);
  if (!result.ok) throw new Error(`expected a usable answer, got ${result.reason}`);
  return result;
}

// SIPp's built-in uas scenario (sipp -sn uas): its 200 OK answers PCMU alone, whatever was offered.
const SIPP_UAS = SIPP_PCMU;

// baresip with audio_codecs=pcmu,pcma (test/support/baresip.ts): the laws in its order, telephone-event, its own extras.
const BARESIP = crlf(['v=0', 'o=- 2890844526 2890844527 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 10004 RTP/AVP 0 8 101', 'b=AS:64', ...BARESIP_G711_LINES]);

// A European carrier's Asterisk: A-law only, events 0-16, a maxptime, RTCP moved by a=rtcp (RFC 3605).
const ASTERISK = asteriskAnswer(['a=ptime:20', 'a=maxptime:150', 'a=rtcp:12011', 'a=sendrecv']);

describe('readAudioAnswer', () => {
  it("takes SIPp's default uas answer: PCMU, no telephone-event, its address and port", () => {
    expect(answered(SIPP_UAS)).toEqual({
      ok: true,
      codec: { name: 'PCMU', pt: 0 },
      telephoneEvent: null,
      remote: { address: '127.0.0.1', port: 6000 },
      ptime: 20,
      direction: 'sendrecv',
      mediaIndex: 0,
    });
  });

  it("takes baresip's answer: the first law it lists, and telephone-event", () => {
    const a = answered(BARESIP);
    expect(a.codec).toEqual({ name: 'PCMU', pt: 0 });
    expect(a.telephoneEvent).toEqual({ pt: 101 });
    expect(a.remote).toEqual({ address: '127.0.0.1', port: 10004 });
  });

  it('sends PCMA when the answer puts it first (RFC 3264 §7), and to the carrier', () => {
    const a = answered(ASTERISK);
    expect(a.codec).toEqual({ name: 'PCMA', pt: 8 });
    expect(a.telephoneEvent).toEqual({ pt: 101 });
    expect(a.remote).toEqual({ address: '203.0.113.5', port: 12000 });
    expect(answered(BARESIP.replace('RTP/AVP 0 8 101', 'RTP/AVP 8 0 101')).codec).toEqual({ name: 'PCMA', pt: 8 });
  });

  it('knows the static payload types 0 and 8 without an rtpmap', () => {
    const bare = crlf(['v=0', 'o=- 1 1 IN IP4 192.0.2.5', 's=-', 'c=IN IP4 192.0.2.5', 't=0 0', 'm=audio 5000 RTP/AVP 8']);
    expect(answered(bare).codec).toEqual({ name: 'PCMA', pt: 8 });
  });

  it('skips formats we did not offer, and a law moved to another payload type', () => {
    // G.722 (9) was never offered: the answer's first usable format is PCMA.
    expect(answered(SIPP_UAS.replace('RTP/AVP 0', 'RTP/AVP 9 8 0').replace('a=rtpmap:0', 'a=rtpmap:9 G722/8000\r\na=rtpmap:0')).codec).toEqual({ name: 'PCMA', pt: 8 });
    // PCMU renumbered to 96 (RFC 3264 §6.1 says SHOULD keep 0): not what we offered at 96.
    const renumbered = SIPP_UAS.replace('RTP/AVP 0', 'RTP/AVP 96').replace('a=rtpmap:0 PCMU', 'a=rtpmap:96 PCMU');
    expect(readAudioAnswer(renumbered, OFFER)).toEqual({ ok: false, reason: 'no-common-codec' });
    // Payload type 0 mapped to PCMA: not the PCMU we offered at 0.
    expect(readAudioAnswer(SIPP_UAS.replace('a=rtpmap:0 PCMU/8000', 'a=rtpmap:0 PCMA/8000'), OFFER)).toEqual({ ok: false, reason: 'no-common-codec' });
    const g729 = SIPP_UAS.replace('RTP/AVP 0', 'RTP/AVP 18').replace('a=rtpmap:0 PCMU/8000', 'a=rtpmap:18 G729/8000');
    expect(readAudioAnswer(g729, OFFER)).toEqual({ ok: false, reason: 'no-common-codec' });
  });

  it('listens for telephone-event at our payload type, even when the answer numbers it otherwise', () => {
    const moved = BARESIP.replace('RTP/AVP 0 8 101', 'RTP/AVP 0 96').replace('a=rtpmap:101 telephone-event/8000\r\na=fmtp:101', 'a=rtpmap:96 telephone-event/8000\r\na=fmtp:96');
    expect(answered(moved).telephoneEvent).toEqual({ pt: 101 });
    // telephone-event at another clock rate is not the one we offered.
    expect(answered(BARESIP.replace('telephone-event/8000', 'telephone-event/48000')).telephoneEvent).toBeNull();
  });

  it('refuses an answer that rejects our stream (port 0), or whose m= lines do not pair with the offer (RFC 3264 §6)', () => {
    expect(readAudioAnswer(SIPP_UAS.replace('m=audio 6000', 'm=audio 0'), OFFER)).toEqual({ ok: false, reason: 'rejected' });
    expect(readAudioAnswer(SIPP_UAS + 'm=video 6002 RTP/AVP 96\r\n', OFFER)).toEqual({ ok: false, reason: 'stream-count' });
    const none = crlf(['v=0', 'o=- 1 1 IN IP4 192.0.2.5', 's=-', 'c=IN IP4 192.0.2.5', 't=0 0']);
    expect(readAudioAnswer(none, OFFER)).toEqual({ ok: false, reason: 'stream-count' });
    expect(readAudioAnswer(SIPP_UAS.replace('m=audio', 'm=video'), OFFER)).toEqual({ ok: false, reason: 'not-audio' });
    expect(readAudioAnswer(SIPP_UAS.replace('RTP/AVP', 'RTP/SAVP'), OFFER)).toEqual({ ok: false, reason: 'unsupported-transport' });
  });

  it('mirrors the direction of the answer (RFC 3264 §6.1), session-level included', () => {
    const withDirection = (d: string) => answered(SIPP_UAS + `a=${d}\r\n`).direction;
    expect(withDirection('recvonly')).toBe('sendonly');
    expect(withDirection('sendonly')).toBe('recvonly');
    expect(withDirection('inactive')).toBe('inactive');
    expect(withDirection('sendrecv')).toBe('sendrecv');
    expect(answered(SIPP_UAS.replace('t=0 0\r\n', 't=0 0\r\na=sendonly\r\n')).direction).toBe('recvonly');
  });

  it('never goes beyond the direction we offered, and sends nothing to a null address (RFC 3264 §8.4)', () => {
    expect(answered(SIPP_UAS, OFFER.replace('a=sendrecv', 'a=recvonly')).direction).toBe('recvonly');
    expect(answered(SIPP_UAS + 'a=recvonly\r\n', OFFER.replace('a=sendrecv', 'a=recvonly')).direction).toBe('inactive');
    const held = answered(SIPP_UAS.replace('c=IN IP4 127.0.0.1', 'c=IN IP4 0.0.0.0'));
    expect(held.remote).toEqual({ address: '0.0.0.0', port: 6000 });
    expect(held.direction).toBe('recvonly');
  });

  it("sends at the answer's ptime when usable, bounded by its maxptime", () => {
    expect(answered(SIPP_UAS + 'a=ptime:30\r\n').ptime).toBe(30);
    expect(answered(SIPP_UAS + 'a=ptime:5\r\n').ptime).toBe(20);
    expect(answered(SIPP_UAS + 'a=ptime:30\r\na=maxptime:20\r\n').ptime).toBe(20);
    expect(answered(ASTERISK).ptime).toBe(20);
  });

  it('prefers a media-level c= and reads IPv6', () => {
    const v6 = crlf(['v=0', 'o=- 1 1 IN IP6 2001:db8::5', 's=-', 'c=IN IP6 2001:db8::5', 't=0 0', 'm=audio 5000 RTP/AVP 0', 'c=IN IP6 2001:db8::6']);
    expect(answered(v6).remote).toEqual({ address: '2001:db8::6', port: 5000 });
  });

  it('pairs streams by position when the offer has several (the audio line we offered is the one read)', () => {
    const offer = crlf(['v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0', 'm=video 0 RTP/AVP 96', 'm=audio 40000 RTP/AVP 0 8', 'a=rtpmap:0 PCMU/8000']);
    const answer = crlf(['v=0', 'o=- 2 2 IN IP4 192.0.2.5', 's=-', 'c=IN IP4 192.0.2.5', 't=0 0', 'm=video 0 RTP/AVP 96', 'm=audio 5000 RTP/AVP 8']);
    expect(answered(answer, offer)).toMatchObject({ codec: { name: 'PCMA', pt: 8 }, remote: { address: '192.0.2.5', port: 5000 }, mediaIndex: 1 });
    // Already parsed descriptions do as well as text.
    expect(readAudioAnswer(parseSdp(answer), parseSdp(offer))).toEqual(answered(answer, offer));
  });

  it('throws MALFORMED_SDP for a broken answer or an accepted stream without an address', () => {
    expectMalformed(() => readAudioAnswer('SIP/2.0 200 OK', OFFER), 'MALFORMED_SDP', 'syntax');
    expectMalformed(() => readAudioAnswer(SIPP_UAS.replace('v=0', 'v=1'), OFFER), 'MALFORMED_SDP', 'version');
    expectMalformed(() => readAudioAnswer(SIPP_UAS.replace('c=IN IP4 127.0.0.1\r\n', ''), OFFER), 'MALFORMED_SDP', 'connection');
  });

  it('refuses, as a caller bug, an offer with no audio stream to pair with', () => {
    const video = crlf(['v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0', 'm=video 40000 RTP/AVP 96']);
    const err = expectMalformed(() => readAudioAnswer(SIPP_UAS, video), 'INVALID_ARGUMENT');
    expect(err.details.field).toBe('offer');
  });
});
