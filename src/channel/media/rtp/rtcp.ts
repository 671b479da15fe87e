import { ClaveError } from '../../../shared/index.ts';

/**
 * RTCP packets (RFC 3550 §6) as plain data: enough to send our sender
 * reports and to read a peer's SR, RR, SDES and BYE. Other packet types
 * (APP, XR, feedback) come back as `other` with their body untouched.
 */
export interface ReportBlock {
  ssrc: number;
  /** Fraction lost since the last report, fixed point /256. */
  fractionLost: number;
  /** Cumulative packets lost; signed 24-bit (duplicates can make it negative). */
  cumulativeLost: number;
  /** Extended highest sequence number received (cycles << 16 | highest). */
  highestSequence: number;
  jitter: number;
  /** Middle 32 bits of the NTP time of the last SR received (0 = none). */
  lastSr: number;
  /** Delay since that SR, in 1/65536 s. */
  delaySinceLastSr: number;
}

export interface SenderReport {
  type: 'sr';
  ssrc: number;
  ntpSeconds: number;
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
  reports: ReportBlock[];
}

export interface ReceiverReport {
  type: 'rr';
  ssrc: number;
  reports: ReportBlock[];
}

export interface SdesItem {
  /** RFC 3550 §6.5: 1 CNAME, 2 NAME, … 8 PRIV. */
  itemType: number;
  value: string;
}

export interface SourceDescription {
  type: 'sdes';
  chunks: { ssrc: number; items: SdesItem[] }[];
}

export interface Goodbye {
  type: 'bye';
  ssrcs: number[];
  reason: string | null;
}

export interface OtherRtcp {
  type: 'other';
  packetType: number;
  /** The 5-bit count/subtype field. */
  count: number;
  body: Buffer;
}

export type RtcpPacket = SenderReport | ReceiverReport | SourceDescription | Goodbye | OtherRtcp;

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const SDES_CNAME = 1;

function malformed(reason: string, message: string, details: Record<string, unknown> = {}): ClaveError {
  return new ClaveError('MALFORMED_RTCP', message, { reason, ...details });
}

/*
 * RFC 3550 §6.4.1, sender report (an RR, §6.4.2, is the same without the
 * sender info and with PT=201):
 *
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    RC   |   PT=SR=200   |             length            |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         SSRC of sender                        |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * sender |              NTP timestamp, most significant word             |
 * info   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |             NTP timestamp, least significant word             |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         RTP timestamp                         |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                     sender's packet count                     |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                      sender's octet count                     |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * report |                 SSRC_1 (SSRC of first source)                 |
 * block  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   1    | fraction lost |       cumulative number of packets lost       |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |           extended highest sequence number received           |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                      interarrival jitter                      |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         last SR (LSR)                         |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                   delay since last SR (DLSR)                  |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *        |                  profile-specific extensions                  |
 *
 * RFC 3550 §6.5, SDES:                     RFC 3550 §6.6, BYE:
 *
 *  |V=2|P|    SC   |  PT=SDES=202  |  length  |   |V=2|P|    SC   |   PT=BYE=203  |  length  |
 *  |                 SSRC/CSRC_1                |   |                 SSRC/CSRC                |
 *  |                 SDES items ...             |   :                  ...                     :
 *  |                 SSRC/CSRC_2 ...            |   |     length    |  reason for leaving ... (opt)
 *
 * An SDES item is | type | length | text (length octets) |; a chunk's item
 * list ends with one or more null octets up to the next 32-bit boundary.
 */

/**
 * Parses a compound RTCP packet (RFC 3550 §6.1) into its packets, with the
 * validity checks of RFC 3550 Appendix A.2 (version, padding, lengths). Throws `MALFORMED_RTCP` with
 * `details.reason` one of `truncated`, `version`, `length`, `padding`.
 * A first packet other than SR/RR is accepted: reduced-size RTCP (RFC 5506)
 * allows it, and rejecting it would only lose a report.
 *
 * @example
 *   for (const p of parseRtcp(datagram)) if (p.type === 'sr') lastSrFrom(p);
 */
export function parseRtcp(buf: Buffer): RtcpPacket[] {
  const packets: RtcpPacket[] = [];
  let offset = 0;
  if (buf.length < 4) throw malformed('truncated', 'RTCP packet shorter than its header', { length: buf.length });
  while (offset < buf.length) {
    if (buf.length - offset < 4) throw malformed('truncated', 'RTCP trailing bytes shorter than a header', { offset });
    const b0 = buf[offset]!;
    if (b0 >> 6 !== 2) throw malformed('version', 'RTCP version is not 2', { offset, version: b0 >> 6 });
    // RFC 3550 §6.4.1: length is "in 32-bit words minus one, including the header and any padding".
    const length = 4 * (buf.readUInt16BE(offset + 2) + 1);
    if (offset + length > buf.length) throw malformed('length', 'RTCP length runs past the datagram', { offset, length });
    let end = offset + length;
    if (b0 & 0x20) {
      // RFC 3550 §6.4.1: "padding MUST only be added to the last individual packet".
      if (end !== buf.length) throw malformed('padding', 'RTCP padding on a packet that is not the last', { offset });
      const pad = buf[end - 1]!;
      if (pad === 0 || pad > length - 4) throw malformed('padding', 'RTCP padding count is zero or too large', { pad });
      end -= pad;
    }
    packets.push(parseOne(buf[offset + 1]!, b0 & 0x1f, buf.subarray(offset + 4, end)));
    offset += length;
  }
  return packets;
}

function parseOne(packetType: number, count: number, body: Buffer): RtcpPacket {
  switch (packetType) {
    case RTCP_SR: {
      need(body, 24 + 24 * count, 'SR');
      return {
        type: 'sr',
        ssrc: body.readUInt32BE(0),
        ntpSeconds: body.readUInt32BE(4),
        ntpFraction: body.readUInt32BE(8),
        rtpTimestamp: body.readUInt32BE(12),
        packetCount: body.readUInt32BE(16),
        octetCount: body.readUInt32BE(20),
        reports: parseReportBlocks(body, 24, count),
      };
    }
    case RTCP_RR:
      need(body, 4 + 24 * count, 'RR');
      return { type: 'rr', ssrc: body.readUInt32BE(0), reports: parseReportBlocks(body, 4, count) };
    case RTCP_SDES:
      return parseSdes(body, count);
    case RTCP_BYE:
      return parseBye(body, count);
    default:
      return { type: 'other', packetType, count, body };
  }
}

function need(body: Buffer, bytes: number, what: string): void {
  if (body.length < bytes) throw malformed('truncated', `RTCP ${what} shorter than its count says`, { length: body.length, bytes });
}

function parseReportBlocks(body: Buffer, start: number, count: number): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  for (let i = 0, at = start; i < count; i++, at += 24) {
    blocks.push({
      ssrc: body.readUInt32BE(at),
      fractionLost: body[at + 4]!,
      cumulativeLost: body.readIntBE(at + 5, 3),
      highestSequence: body.readUInt32BE(at + 8),
      jitter: body.readUInt32BE(at + 12),
      lastSr: body.readUInt32BE(at + 16),
      delaySinceLastSr: body.readUInt32BE(at + 20),
    });
  }
  return blocks;
}

function parseSdes(body: Buffer, count: number): SourceDescription {
  const chunks: SourceDescription['chunks'] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    need(body, at + 4, 'SDES chunk');
    const ssrc = body.readUInt32BE(at);
    at += 4;
    const items: SdesItem[] = [];
    for (;;) {
      need(body, at + 1, 'SDES item list');
      const itemType = body[at]!;
      if (itemType === 0) {
        // The null octet(s) pad the chunk to the next 32-bit boundary.
        at = (at + 4) & ~3;
        break;
      }
      need(body, at + 2, 'SDES item');
      const len = body[at + 1]!;
      need(body, at + 2 + len, 'SDES item text');
      items.push({ itemType, value: body.toString('utf8', at + 2, at + 2 + len) });
      at += 2 + len;
    }
    chunks.push({ ssrc, items });
  }
  return { type: 'sdes', chunks };
}

function parseBye(body: Buffer, count: number): Goodbye {
  need(body, 4 * count, 'BYE');
  const ssrcs: number[] = [];
  for (let i = 0; i < count; i++) ssrcs.push(body.readUInt32BE(4 * i));
  let reason: string | null = null;
  const at = 4 * count;
  if (body.length > at && body[at]! > 0) {
    const len = body[at]!;
    need(body, at + 1 + len, 'BYE reason');
    reason = body.toString('utf8', at + 1, at + 1 + len);
  }
  return { type: 'bye', ssrcs, reason };
}
