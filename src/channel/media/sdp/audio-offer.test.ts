import { describe, expect, it } from 'vitest';
import { expectMalformed } from '../testing/expect-malformed.ts';
import { crlf } from '../testing/sdp-fixtures.ts';
import { createAudioOffer, type OfferOptions } from './audio-offer.ts';
import { answerAudioOffer, type AudioAnswer } from './offer-answer.ts';
import { parseSdp } from './sdp.ts';
import { fmtp, mediaDirection, rtpMap } from './sdp-media.ts';

const OPTS: OfferOptions = {
  origin: { username: 'clave', sessionId: '4711', sessionVersion: '0', address: '192.0.2.10' },
  local: { address: '192.0.2.10', port: 40000 },
};

describe('createAudioOffer', () => {
  it('offers PCMU, PCMA and telephone-event 0-15 at 101 on one sendrecv audio line (RFC 3264 §5)', () => {
    expect(createAudioOffer(OPTS)).toBe(
      crlf([
        'v=0',
        'o=clave 4711 0 IN IP4 192.0.2.10',
        's=-',
        'c=IN IP4 192.0.2.10',
        't=0 0',
        'm=audio 40000 RTP/AVP 0 8 101',
        'a=rtpmap:0 PCMU/8000',
        'a=rtpmap:8 PCMA/8000',
        'a=rtpmap:101 telephone-event/8000',
        'a=fmtp:101 0-15',
        'a=ptime:20',
        'a=sendrecv',
      ]),
    );
  });

  it('reads back through parseSdp as what it means', () => {
    const sdp = parseSdp(createAudioOffer(OPTS));
    const [m] = sdp.media;
    expect(sdp.media).toHaveLength(1);
    expect(m!.formats.map((f) => rtpMap(m!, f)?.encoding)).toEqual(['PCMU', 'PCMA', 'telephone-event']);
    expect(fmtp(m!, '101')).toBe('0-15');
    expect(mediaDirection(sdp, m!)).toBe('sendrecv');
    expect(sdp.timing).toEqual([{ start: '0', stop: '0', repeats: [] }]);
  });

  it('writes IPv6 addresses, a chosen ptime, "-" for a missing username and a session name', () => {
    const offer = createAudioOffer({
      origin: { sessionId: '1', sessionVersion: '7', address: '2001:db8::10' },
      local: { address: '2001:db8::10', port: 40002 },
      ptime: 30,
      sessionName: 'Clave',
    });
    expect(offer).toContain('o=- 1 7 IN IP6 2001:db8::10\r\ns=Clave\r\nc=IN IP6 2001:db8::10\r\n');
    expect(offer).toContain('m=audio 40002 RTP/AVP 0 8 101\r\n');
    expect(offer).toContain('a=ptime:30\r\n');
  });

  it("is answered by Clave's own answerer with PCMU and telephone-event at 101 (Clave calling Clave)", () => {
    const answer = answerAudioOffer(createAudioOffer(OPTS), {
      origin: { sessionId: '9', sessionVersion: '0', address: '192.0.2.20' },
      local: { address: '192.0.2.20', port: 41000 },
    }) as AudioAnswer;
    expect(answer.ok).toBe(true);
    expect(answer.codec).toEqual({ name: 'PCMU', pt: 0 });
    expect(answer.telephoneEvent).toEqual({ pt: 101 });
    expect(answer.remote).toEqual({ address: '192.0.2.10', port: 40000 });
  });

  it('refuses bad options as a caller bug', () => {
    expectMalformed(() => createAudioOffer({ ...OPTS, local: { address: '192.0.2.10', port: 70000 } }), 'INVALID_ARGUMENT');
    expectMalformed(() => createAudioOffer({ ...OPTS, ptime: 0 }), 'INVALID_ARGUMENT');
    expectMalformed(() => createAudioOffer({ ...OPTS, origin: { ...OPTS.origin, sessionVersion: '-1' } }), 'INVALID_ARGUMENT');
  });
});
