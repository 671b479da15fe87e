import { describe, expect, it } from 'vitest';
import { expectMalformed } from '../testing/expect-malformed.ts';
import { delaySinceLastSr, ntpFromUnixMs, ntpMiddle32 } from './ntp.ts';
import { parseRtcp, SDES_CNAME, type RtcpPacket } from './rtcp.ts';
import { serializeRtcp, serializeRtcpPacket } from './rtcp-serialize.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ascii = (s: string) => Buffer.from(s, 'ascii').toString('hex');

// SR with one report block, then SDES CNAME, then BYE with a reason.
const SR = hex(`
  81 c8 000c 12345678
  e42c2b1a 80000000 00001f40 00000032 00001f40
  9abcdef0 40 000005 00010010 0000000c 2b1a8000 00010000`);
const SDES = hex(`81 ca 0004 12345678 01 09 ${ascii('user@host')} 00`);
const BYE = hex(`81 cb 0003 12345678 06 ${ascii('hangup')} 00`);
const COMPOUND = Buffer.concat([SR, SDES, BYE]);

describe('parseRtcp', () => {
  it('reads a compound SR + SDES + BYE', () => {
    const [sr, sdes, bye, ...rest] = parseRtcp(COMPOUND);
    expect(rest).toEqual([]);
    expect(sr).toEqual({
      type: 'sr',
      ssrc: 0x12345678,
      ntpSeconds: 0xe42c2b1a,
      ntpFraction: 0x80000000,
      rtpTimestamp: 8000,
      packetCount: 50,
      octetCount: 8000,
      reports: [{ ssrc: 0x9abcdef0, fractionLost: 64, cumulativeLost: 5, highestSequence: 0x10010, jitter: 12, lastSr: 0x2b1a8000, delaySinceLastSr: 65536 }],
    });
    expect(sdes).toEqual({ type: 'sdes', chunks: [{ ssrc: 0x12345678, items: [{ itemType: SDES_CNAME, value: 'user@host' }] }] });
    expect(bye).toEqual({ type: 'bye', ssrcs: [0x12345678], reason: 'hangup' });
  });

  it('reads an empty RR and a BYE without reason', () => {
    expect(parseRtcp(hex('80 c9 0001 12345678 81 cb 0001 12345678'))).toEqual([
      { type: 'rr', ssrc: 0x12345678, reports: [] },
      { type: 'bye', ssrcs: [0x12345678], reason: null },
    ]);
  });

  it('reads a negative cumulative loss (duplicates)', () => {
    const rr = hex('81 c9 0007 00000001 00000002 00 fffffe 00000000 00000000 00000000 00000000');
    const [p] = parseRtcp(rr);
    expect(p?.type === 'rr' && p.reports[0]?.cumulativeLost).toBe(-2);
  });

  it('skips padding on the last packet', () => {
    const padded = Buffer.concat([SR, hex('a1 cb 0002 12345678 00000004')]);
    expect(parseRtcp(padded)[1]).toEqual({ type: 'bye', ssrcs: [0x12345678], reason: null });
  });

  it('returns other packet types untouched', () => {
    const app = hex(`80 cc 0002 12345678 ${ascii('CLAV')}`);
    const [, other] = parseRtcp(Buffer.concat([hex('80 c9 0001 00000001'), app]));
    expect(other).toEqual({ type: 'other', packetType: 204, count: 0, body: hex(`12345678 ${ascii('CLAV')}`) });
  });

  it('rejects truncated input', () => {
    expectMalformed(() => parseRtcp(hex('81c8')), 'MALFORMED_RTCP', 'truncated');
    expectMalformed(() => parseRtcp(Buffer.concat([SR, hex('81')])), 'MALFORMED_RTCP', 'truncated');
    // The count says two report blocks, the length holds one.
    const lying = Buffer.from(SR);
    lying[0] = 0x82;
    expectMalformed(() => parseRtcp(lying), 'MALFORMED_RTCP', 'truncated');
    // SDES item longer than its packet.
    expectMalformed(() => parseRtcp(hex(`81 ca 0002 12345678 01 09 ${ascii('us')}`)), 'MALFORMED_RTCP', 'truncated');
  });

  it('rejects a length running past the datagram', () => {
    expectMalformed(() => parseRtcp(SR.subarray(0, 40)), 'MALFORMED_RTCP', 'length');
  });

  it('rejects versions other than 2', () => {
    const bad = Buffer.from(COMPOUND);
    bad[SR.length] = 0x41;
    expectMalformed(() => parseRtcp(bad), 'MALFORMED_RTCP', 'version');
  });

  it('rejects padding on a packet that is not the last, and bad padding counts', () => {
    const early = Buffer.concat([hex('a0 c9 0001 00000004'), SDES]);
    expectMalformed(() => parseRtcp(early), 'MALFORMED_RTCP', 'padding');
    expectMalformed(() => parseRtcp(hex('a0 c9 0001 00000000')), 'MALFORMED_RTCP', 'padding');
    expectMalformed(() => parseRtcp(hex('a0 c9 0001 00000009')), 'MALFORMED_RTCP', 'padding');
  });
});

describe('serializeRtcp', () => {
  it('round-trips the compound fixture byte for byte', () => {
    expect(serializeRtcp(parseRtcp(COMPOUND))).toEqual(COMPOUND);
  });

  it('builds our sender report from a wallclock and counters', () => {
    const ntp = ntpFromUnixMs(Date.parse('2026-01-01T09:00:00.250Z'));
    const packets: RtcpPacket[] = [
      { type: 'sr', ssrc: 7, ntpSeconds: ntp.seconds, ntpFraction: ntp.fraction, rtpTimestamp: 160_000, packetCount: 1000, octetCount: 160_000, reports: [] },
      { type: 'sdes', chunks: [{ ssrc: 7, items: [{ itemType: SDES_CNAME, value: 'clave@192.0.2.10' }] }] },
    ];
    const out = serializeRtcp(packets);
    // SR 28 octets; SDES 4 + 4 + 2 + 16 = 26, padded with nulls to 28.
    expect(out.length).toBe(56);
    expect(out.subarray(0, 4)).toEqual(hex('80 c8 0006'));
    expect(out.subarray(28, 32)).toEqual(hex('81 ca 0006'));
    expect(out.subarray(54)).toEqual(hex('0000'));
    expect(parseRtcp(out)).toEqual(packets);
  });

  it('pads a BYE reason to a word and clamps a huge loss', () => {
    const bye = serializeRtcpPacket({ type: 'bye', ssrcs: [1], reason: 'bye' });
    expect(bye).toEqual(hex(`81 cb 0002 00000001 03 ${ascii('bye')}`));
    const rr = serializeRtcpPacket({ type: 'rr', ssrc: 1, reports: [{ ssrc: 2, fractionLost: 0, cumulativeLost: 1e9, highestSequence: 0, jitter: 0, lastSr: 0, delaySinceLastSr: 0 }] });
    expect(rr.subarray(13, 16)).toEqual(hex('7fffff'));
  });

  it('refuses a compound packet that breaks RFC 3550 §6.1', () => {
    const sdes: RtcpPacket = { type: 'sdes', chunks: [{ ssrc: 1, items: [{ itemType: SDES_CNAME, value: 'x' }] }] };
    const rr: RtcpPacket = { type: 'rr', ssrc: 1, reports: [] };
    expectMalformed(() => serializeRtcp([sdes, rr]), 'INVALID_ARGUMENT');
    expectMalformed(() => serializeRtcp([rr]), 'INVALID_ARGUMENT');
    expectMalformed(() => serializeRtcp([]), 'INVALID_ARGUMENT');
    expect(serializeRtcp([rr, sdes, { type: 'bye', ssrcs: [1], reason: null }]).length).toBe(8 + 12 + 8);
  });
});

describe('NTP helpers', () => {
  it('converts Unix milliseconds to NTP seconds and fraction', () => {
    expect(ntpFromUnixMs(500)).toEqual({ seconds: 2_208_988_800, fraction: 0x80000000 });
    expect(ntpFromUnixMs(Date.parse('2026-01-01T00:00:00Z')).seconds).toBe(3_976_214_400);
  });

  it('takes the middle 32 bits for LSR and scales DLSR to 1/65536 s', () => {
    expect(ntpMiddle32({ seconds: 0x00012345, fraction: 0x6789abcd })).toBe(0x23456789);
    expect(delaySinceLastSr(1500)).toBe(98_304);
    expect(delaySinceLastSr(-5)).toBe(0);
  });
});
