import { describe, expect, it } from 'vitest';
import { expectMalformed } from '../testing/expect-malformed.ts';
import { crlf } from '../testing/sdp-fixtures.ts';
import { fmtp, mediaConnection, mediaDirection, millisecondsAttribute, rtpMap } from './sdp-media.ts';
import { parseSdp, serializeSdp } from './sdp.ts';

// RFC 4566 §5, the example session description.
const RFC4566_EXAMPLE = crlf([
  'v=0',
  'o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5',
  's=SDP Seminar',
  'i=A Seminar on the session description protocol',
  'u=http://www.example.com/seminars/sdp.pdf',
  'e=j.doe@example.com (Jane Doe)',
  'c=IN IP4 224.2.17.12/127',
  't=2873397496 2873404696',
  'a=recvonly',
  'm=audio 49170 RTP/AVP 0',
  'm=video 51372 RTP/AVP 99',
  'a=rtpmap:99 h263-1998/90000',
]);

// RFC 3264 §10.1, Alice's offer.
const RFC3264_OFFER = crlf([
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com',
  's= ',
  'c=IN IP4 host.atlanta.example.com',
  't=0 0',
  'm=audio 49170 RTP/AVP 0 8 97',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:97 iLBC/8000',
  'm=video 51372 RTP/AVP 31 32',
  'a=rtpmap:31 H261/90000',
  'a=rtpmap:32 MPV/90000',
]);

describe('parseSdp / serializeSdp', () => {
  it('reads the RFC 4566 example', () => {
    const s = parseSdp(RFC4566_EXAMPLE);
    expect(s.origin).toEqual({ username: 'jdoe', sessionId: '2890844526', sessionVersion: '2890842807', netType: 'IN', addrType: 'IP4', address: '10.47.16.5' });
    expect(s.sessionName).toBe('SDP Seminar');
    expect(s.information).toBe('A Seminar on the session description protocol');
    expect(s.uri).toBe('http://www.example.com/seminars/sdp.pdf');
    expect(s.emails).toEqual(['j.doe@example.com (Jane Doe)']);
    expect(s.connection).toEqual({ netType: 'IN', addrType: 'IP4', address: '224.2.17.12/127' });
    expect(s.timing).toEqual([{ start: '2873397496', stop: '2873404696', repeats: [] }]);
    expect(s.attributes).toEqual([{ name: 'recvonly', value: null }]);
    expect(s.media.map((m) => [m.media, m.port, m.protocol, m.formats])).toEqual([
      ['audio', 49170, 'RTP/AVP', ['0']],
      ['video', 51372, 'RTP/AVP', ['99']],
    ]);
    expect(s.media[1]!.attributes).toEqual([{ name: 'rtpmap', value: '99 h263-1998/90000' }]);
  });

  it('round-trips the RFC examples byte for byte', () => {
    expect(serializeSdp(parseSdp(RFC4566_EXAMPLE))).toBe(RFC4566_EXAMPLE);
    expect(serializeSdp(parseSdp(RFC3264_OFFER))).toBe(RFC3264_OFFER);
  });

  it('keeps every line type through a round trip', () => {
    const all = crlf([
      'v=0',
      'o=- 1 2 IN IP6 2001:db8::1',
      's=All lines',
      'i=info',
      'u=http://example.com/',
      'e=a@example.com',
      'p=+1 617 555-6011',
      'c=IN IP6 2001:db8::1',
      'b=CT:128',
      't=3034423619 3042462419',
      'r=604800 3600 0 90000',
      't=0 0',
      'z=2882844526 -1h 2898848070 0',
      'k=prompt',
      'a=tool:test',
      'm=audio 49170/2 RTP/AVP 0 101',
      'i=voice',
      'c=IN IP6 2001:db8::2',
      'b=AS:64',
      'k=prompt',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-15',
      'a=sendonly',
    ]);
    const s = parseSdp(all);
    expect(s.timing[0]!.repeats).toEqual(['604800 3600 0 90000']);
    expect(s.media[0]!.portCount).toBe(2);
    expect(s.media[0]!.bandwidths).toEqual([{ type: 'AS', value: 64 }]);
    expect(serializeSdp(s)).toBe(all);
  });

  it('accepts LF line ends, blank lines and session lines out of order, and writes canonical order', () => {
    const sloppy = ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0', '', 'c=IN IP4 192.0.2.1', 'm=audio 4000 RTP/AVP 0', ''].join('\n');
    const s = parseSdp(sloppy);
    expect(s.connection?.address).toBe('192.0.2.1');
    expect(serializeSdp(s)).toBe(crlf(['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=audio 4000 RTP/AVP 0']));
  });

  it('writes "s= " and "t=0 0" when the description lacks them', () => {
    const s = parseSdp('v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 0\r\n');
    expect(serializeSdp(s)).toBe(crlf(['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's= ', 't=0 0', 'm=audio 4000 RTP/AVP 0']));
  });

  it('keeps only the first c= of a media section', () => {
    const s = parseSdp(crlf(['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'c=IN IP4 192.0.2.7', 'c=IN IP4 192.0.2.8']));
    expect(s.media[0]!.connection?.address).toBe('192.0.2.7');
  });

  it('rejects malformed descriptions with a specific reason', () => {
    const head = ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0'];
    const bad = (lines: string[]) => () => parseSdp(crlf(lines));
    expectMalformed(() => parseSdp(''), 'MALFORMED_SDP', 'version');
    expectMalformed(bad(['o=- 1 1 IN IP4 192.0.2.1', 'v=0']), 'MALFORMED_SDP', 'version');
    expectMalformed(bad(['v=1', 'o=- 1 1 IN IP4 192.0.2.1']), 'MALFORMED_SDP', 'version');
    expectMalformed(bad(['v = 0']), 'MALFORMED_SDP', 'syntax');
    expectMalformed(bad([...head, 'garbage']), 'MALFORMED_SDP', 'syntax');
    expectMalformed(bad([...head, 'x=unknown']), 'MALFORMED_SDP', 'unknown-type');
    expectMalformed(bad([...head, 'A=sendrecv']), 'MALFORMED_SDP', 'unknown-type');
    expectMalformed(bad(['v=0', 's=-', 't=0 0']), 'MALFORMED_SDP', 'origin');
    expectMalformed(bad(['v=0', 'o=- 1 IN IP4 192.0.2.1']), 'MALFORMED_SDP', 'origin');
    expectMalformed(bad([...head, 'o=- 2 2 IN IP4 192.0.2.1']), 'MALFORMED_SDP', 'duplicate');
    expectMalformed(bad([...head, 'v=0']), 'MALFORMED_SDP', 'duplicate');
    expectMalformed(bad([...head, 'c=IN IP4']), 'MALFORMED_SDP', 'connection');
    expectMalformed(bad([...head, 'c=IN IP4 192.0.2.1', 'c=IN IP4 192.0.2.2']), 'MALFORMED_SDP', 'duplicate');
    expectMalformed(bad([...head, 'b=AS']), 'MALFORMED_SDP', 'bandwidth');
    expectMalformed(bad([...head, 'b=AS:lots']), 'MALFORMED_SDP', 'bandwidth');
    expectMalformed(bad([...head, 't=0']), 'MALFORMED_SDP', 'timing');
    expectMalformed(bad(['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 'r=7d 1h 0 25h']), 'MALFORMED_SDP', 'timing');
    expectMalformed(bad([...head, 'm=audio RTP/AVP']), 'MALFORMED_SDP', 'media');
    expectMalformed(bad([...head, 'm=audio abc RTP/AVP 0']), 'MALFORMED_SDP', 'media');
    expectMalformed(bad([...head, 'm=audio 70000 RTP/AVP 0']), 'MALFORMED_SDP', 'media');
    expectMalformed(bad([...head, 'm=audio 4000/x RTP/AVP 0']), 'MALFORMED_SDP', 'media');
    expectMalformed(bad([...head, 'm=audio 4000 RTP/AVP 0', 's=late']), 'MALFORMED_SDP', 'syntax');
  });

  it('reports the failing line number', () => {
    const err = expectMalformed(() => parseSdp('v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN\r\n'), 'MALFORMED_SDP', 'connection');
    expect(err.details.line).toBe(4);
  });
});

describe('media helpers', () => {
  const s = parseSdp(
    crlf([
      'v=0',
      'o=- 1 1 IN IP4 192.0.2.1',
      's=-',
      'c=IN IP4 192.0.2.1',
      't=0 0',
      'a=sendonly',
      'm=audio 4000 RTP/AVP 0 8 96 101 18',
      'a=rtpmap:96 opus/48000/2',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
      'a=ptime:20.0',
      'm=audio 4002 RTP/AVP 0',
      'c=IN IP4 192.0.2.9',
      'a=inactive',
      'a=maxptime:40',
    ]),
  );
  const [first, second] = s.media as [(typeof s.media)[0], (typeof s.media)[0]];

  it('resolves static and dynamic payload types', () => {
    expect(rtpMap(first, '0')).toEqual({ payloadType: 0, encoding: 'PCMU', clockRate: 8000, channels: null });
    expect(rtpMap(first, '8')).toEqual({ payloadType: 8, encoding: 'PCMA', clockRate: 8000, channels: null });
    expect(rtpMap(first, '96')).toEqual({ payloadType: 96, encoding: 'opus', clockRate: 48000, channels: 2 });
    expect(rtpMap(first, '101')).toEqual({ payloadType: 101, encoding: 'telephone-event', clockRate: 8000, channels: null });
    expect(rtpMap(first, '18')).toBeNull();
    expect(rtpMap(first, 'x')).toBeNull();
  });

  it('reads fmtp, direction, connection and ptime per stream', () => {
    expect(fmtp(first, '101')).toBe('0-16');
    expect(fmtp(first, '96')).toBeNull();
    expect(mediaDirection(s, first)).toBe('sendonly');
    expect(mediaDirection(s, second)).toBe('inactive');
    expect(mediaConnection(s, first)?.address).toBe('192.0.2.1');
    expect(mediaConnection(s, second)?.address).toBe('192.0.2.9');
    expect(millisecondsAttribute(first, 'ptime')).toBe(20);
    expect(millisecondsAttribute(second, 'ptime')).toBeNull();
    expect(millisecondsAttribute(second, 'maxptime')).toBe(40);
  });
});
