import { describe, expect, it } from 'vitest';
import { parseSdp } from '../media/index.ts';
import { asteriskAnswer, crlf } from '../media/testing/sdp-fixtures.ts';
import { sdpAnswerer, sdpOfferer, sdpOrigin } from './sdp-answerer.ts';

const LOCAL = { address: '10.0.0.2', port: 20002 };
const origin = (sdp: string) => parseSdp(sdp).origin;

/** A callee's 200 OK body: PCMA and telephone-event, RTCP moved by a=rtcp (RFC 3605). */
const ANSWER = asteriskAnswer(['a=rtcp:12011 IN IP4 203.0.113.6', 'a=recvonly']);

describe('sdpOfferer', () => {
  it('offers at the advertised address on the session port, under one o= session id with rising versions', () => {
    const offerer = sdpOfferer('192.0.2.10');
    const first = offerer.offer(LOCAL);
    const second = offerer.offer(LOCAL);
    expect(first).toContain('c=IN IP4 192.0.2.10\r\n');
    expect(first).toContain('m=audio 20002 RTP/AVP 0 8 101\r\n');
    expect(origin(first)).toMatchObject({ username: 'clave', sessionVersion: '0', address: '192.0.2.10' });
    expect(origin(second).sessionId).toBe(origin(first).sessionId);
    expect(origin(second).sessionVersion).toBe('1');
    expect(origin(sdpOfferer('192.0.2.10').offer(LOCAL)).sessionId).not.toBe(origin(first).sessionId);
  });

  it("shares the call's o= with its answerer when given the same origin (RFC 3264 §8)", () => {
    const shared = sdpOrigin();
    const offerer = sdpOfferer('192.0.2.10', shared);
    const answerer = sdpAnswerer('192.0.2.10', shared);
    const offer = offerer.offer(LOCAL);
    // The callee re-INVITEs later; our answer goes on from our offer's version.
    const reinvite = crlf(['v=0', 'o=- 5 6 IN IP4 203.0.113.5', 's=-', 'c=IN IP4 203.0.113.5', 't=0 0', 'm=audio 12000 RTP/AVP 0', 'a=sendrecv']);
    const answer = answerer(reinvite, LOCAL)!.answerSdp;
    expect(origin(answer).sessionId).toBe(origin(offer).sessionId);
    expect([origin(offer).sessionVersion, origin(answer).sessionVersion]).toEqual(['0', '1']);
  });

  it("takes the callee's answer: codec, telephone-event at our 101, where to send RTP and RTCP, our mirrored direction", () => {
    const offerer = sdpOfferer('192.0.2.10');
    offerer.offer(LOCAL);
    expect(offerer.accept(ANSWER)).toEqual({
      codec: { name: 'PCMA', pt: 8 },
      telephoneEvent: { pt: 101 },
      remote: { address: '203.0.113.5', port: 12000 },
      direction: 'sendonly',
      rtcp: { address: '203.0.113.6', port: 12011 },
    });
    // Without a=rtcp the stream's RTCP goes to RTP port + 1 (RtpStream's default).
    const plain = ANSWER.replace('a=rtcp:12011 IN IP4 203.0.113.6\r\n', '');
    expect(offerer.accept(plain)?.rtcp).toBeNull();
  });

  it('gives null for an answer it cannot use: malformed, rejected, no law in common, no address', () => {
    const offerer = sdpOfferer('192.0.2.10');
    offerer.offer(LOCAL);
    expect(offerer.accept('garbage')).toBeNull();
    expect(offerer.accept(ANSWER.replace('m=audio 12000', 'm=audio 0'))).toBeNull();
    expect(offerer.accept(ANSWER.replace('RTP/AVP 8 101', 'RTP/AVP 18').replace('a=rtpmap:8 PCMA/8000', 'a=rtpmap:18 G729/8000'))).toBeNull();
    expect(offerer.accept(ANSWER.replace('c=IN IP4 203.0.113.5\r\n', ''))).toBeNull();
    // The offerer still takes a good answer after bad ones.
    expect(offerer.accept(ANSWER)?.codec).toEqual({ name: 'PCMA', pt: 8 });
  });

  it('throws on an answer before any offer: a bug of the caller', () => {
    expect(() => sdpOfferer('192.0.2.10').accept(ANSWER)).toThrow(/before offer/);
  });
});
