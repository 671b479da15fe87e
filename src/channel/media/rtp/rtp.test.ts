import { describe, expect, it } from 'vitest';
import { expectMalformed } from '../testing/expect-malformed.ts';
import { isRtcpPacket, parseRtp, rtpHeaderLength, serializeRtp, writeRtpHeader } from './rtp.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// A 20 ms PCMU packet of silence: V=2, PT 0, seq 1, ts 160, SSRC 0x12345678.
const PCMU_PACKET = Buffer.concat([hex('80 00 0001 000000a0 12345678'), Buffer.alloc(160, 0xff)]);

// Every optional part at once: P=1 X=1 CC=2, M=1 PT=8, seq 0xffff,
// two CSRCs, a one-word extension (RFC 8285 one-byte profile 0xBEDE),
// a 3-octet payload and 3 octets of padding.
const FULL_PACKET = hex(`
  b2 88 ffff fffffff0 deadbeef
  00000001 00000002
  bede 0001 10aa0000
  010203
  000003`);

describe('parseRtp', () => {
  it('reads a plain PCMU packet', () => {
    const p = parseRtp(PCMU_PACKET);
    expect(p).toMatchObject({ marker: false, payloadType: 0, sequenceNumber: 1, timestamp: 160, ssrc: 0x12345678, csrcs: [], extension: null, paddingLength: 0 });
    expect(p.payload.length).toBe(160);
    expect(p.payload.every((b) => b === 0xff)).toBe(true);
  });

  it('does not copy the payload', () => {
    const p = parseRtp(PCMU_PACKET);
    expect(p.payload.buffer).toBe(PCMU_PACKET.buffer);
    expect(p.payload.byteOffset).toBe(PCMU_PACKET.byteOffset + 12);
  });

  it('reads CSRCs, extension, marker and padding', () => {
    const p = parseRtp(FULL_PACKET);
    expect(p.marker).toBe(true);
    expect(p.payloadType).toBe(8);
    expect(p.sequenceNumber).toBe(0xffff);
    expect(p.timestamp).toBe(0xfffffff0);
    expect(p.ssrc).toBe(0xdeadbeef);
    expect(p.csrcs).toEqual([1, 2]);
    expect(p.extension?.profile).toBe(0xbede);
    expect(p.extension?.data).toEqual(hex('10aa0000'));
    expect(p.paddingLength).toBe(3);
    expect(p.payload).toEqual(hex('010203'));
  });

  it('accepts a packet with an empty payload and padding only', () => {
    const p = parseRtp(hex('a0 00 0001 00000000 00000001 00000004'));
    expect(p.payload.length).toBe(0);
    expect(p.paddingLength).toBe(4);
  });

  it('rejects a packet shorter than the fixed header', () => {
    expectMalformed(() => parseRtp(PCMU_PACKET.subarray(0, 11)), 'MALFORMED_RTP', 'truncated');
    expectMalformed(() => parseRtp(Buffer.alloc(0)), 'MALFORMED_RTP', 'truncated');
  });

  it('rejects versions other than 2', () => {
    const v1 = Buffer.from(PCMU_PACKET);
    v1[0] = 0x40;
    expectMalformed(() => parseRtp(v1), 'MALFORMED_RTP', 'version');
    const v0 = Buffer.from(PCMU_PACKET);
    v0[0] = 0x00;
    expectMalformed(() => parseRtp(v0), 'MALFORMED_RTP', 'version');
  });

  it('rejects a CSRC count that runs past the packet', () => {
    expectMalformed(() => parseRtp(hex('83 00 0001 00000000 00000001 00000001 00000002')), 'MALFORMED_RTP', 'truncated');
  });

  it('rejects a truncated header extension', () => {
    expectMalformed(() => parseRtp(hex('90 00 0001 00000000 00000001 bede')), 'MALFORMED_RTP', 'extension');
    expectMalformed(() => parseRtp(hex('90 00 0001 00000000 00000001 bede 0002 00000000')), 'MALFORMED_RTP', 'extension');
  });

  it('rejects a zero or oversized padding count', () => {
    expectMalformed(() => parseRtp(hex('a0 00 0001 00000000 00000001 0102 00')), 'MALFORMED_RTP', 'padding');
    expectMalformed(() => parseRtp(hex('a0 00 0001 00000000 00000001 0102 04')), 'MALFORMED_RTP', 'padding');
    // The padding may not eat into the CSRC list.
    expectMalformed(() => parseRtp(hex('a1 00 0001 00000000 00000001 00000005')), 'MALFORMED_RTP', 'padding');
  });

  it('rejects RTCP SR/RR seen on the RTP port (PT 72/73 with the marker)', () => {
    expectMalformed(() => parseRtp(hex('80 c8 0006 00000000 00000001')), 'MALFORMED_RTP', 'payload-type');
    expectMalformed(() => parseRtp(hex('81 c9 0007 00000000 00000001')), 'MALFORMED_RTP', 'payload-type');
  });
});

describe('serializeRtp', () => {
  it('round-trips the fixtures byte for byte', () => {
    expect(serializeRtp(parseRtp(PCMU_PACKET))).toEqual(PCMU_PACKET);
    expect(serializeRtp(parseRtp(FULL_PACKET))).toEqual(FULL_PACKET);
  });

  it('builds a telephone-event packet with the marker bit', () => {
    const out = serializeRtp({ marker: true, payloadType: 101, sequenceNumber: 0x1234, timestamp: 0x01020304, ssrc: 0xcafebabe, payload: hex('05 0a 00a0') });
    expect(out).toEqual(hex('80 e5 1234 01020304 cafebabe 050a00a0'));
  });

  it('zero-fills padding even though the buffer is allocated unsafe', () => {
    const out = serializeRtp({ marker: false, payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 1, payload: hex('ff'), paddingLength: 4 });
    expect(out.subarray(13)).toEqual(hex('00000004'));
    expect(out[0]).toBe(0xa0);
  });

  it('refuses out-of-range fields as a caller bug', () => {
    const base = { marker: false, payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 1, payload: Buffer.alloc(0) };
    expectMalformed(() => serializeRtp({ ...base, payloadType: 128 }), 'INVALID_ARGUMENT');
    expectMalformed(() => serializeRtp({ ...base, sequenceNumber: 65536 }), 'INVALID_ARGUMENT');
    expectMalformed(() => serializeRtp({ ...base, timestamp: -1 }), 'INVALID_ARGUMENT');
    expectMalformed(() => serializeRtp({ ...base, csrcs: new Array<number>(16).fill(1) }), 'INVALID_ARGUMENT');
    expectMalformed(() => serializeRtp({ ...base, extension: { profile: 1, data: Buffer.alloc(3) } }), 'INVALID_ARGUMENT');
    expectMalformed(() => serializeRtp({ ...base, paddingLength: 256 }), 'INVALID_ARGUMENT');
  });
});

describe('writeRtpHeader', () => {
  it('writes into a reused buffer at an offset and reports the header length', () => {
    const out = Buffer.alloc(40, 0x55);
    const header = { marker: false, payloadType: 8, sequenceNumber: 7, timestamp: 320, ssrc: 9, csrcs: [3] };
    const n = writeRtpHeader(header, out, 4);
    expect(n).toBe(16);
    expect(rtpHeaderLength(header)).toBe(16);
    expect(out.subarray(4, 20)).toEqual(hex('81 08 0007 00000140 00000009 00000003'));
    expect(out[3]).toBe(0x55);
  });
});

describe('isRtcpPacket', () => {
  it('tells RTCP (second octet 192-223) from RTP (RFC 5761 §4)', () => {
    expect(isRtcpPacket(hex('80c8'))).toBe(true);
    expect(isRtcpPacket(hex('80cb'))).toBe(true);
    expect(isRtcpPacket(PCMU_PACKET)).toBe(false);
    expect(isRtcpPacket(hex('80e5'))).toBe(false);
    expect(isRtcpPacket(hex('80'))).toBe(false);
  });
});
