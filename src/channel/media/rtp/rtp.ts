import { ClaveError } from '../../../shared/index.ts';

/**
 * RTP data packets (RFC 3550 §5.1). Pure: bytes in, plain data out and back.
 * Parsing never copies: `payload`, `extension.data` and friends are views
 * into the received buffer, so a caller that keeps one past the next receive
 * must copy it.
 */
export interface RtpPacket {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** Contributing sources, at most 15 (the CC field has 4 bits). */
  csrcs: number[];
  /** Header extension (X bit), or null. `data` is a whole number of 32-bit words. */
  extension: RtpExtension | null;
  /** Padding octets after the payload, including the count octet itself; 0 = no padding. */
  paddingLength: number;
  payload: Buffer;
}

export interface RtpExtension {
  /** The 16 "defined by profile" bits. */
  profile: number;
  data: Buffer;
}

/** What a sender fills in; optional parts default to none. */
export type RtpPacketInput = Pick<RtpPacket, 'marker' | 'payloadType' | 'sequenceNumber' | 'timestamp' | 'ssrc' | 'payload'> &
  Partial<Pick<RtpPacket, 'csrcs' | 'extension' | 'paddingLength'>>;

export const RTP_VERSION = 2;
export const RTP_FIXED_HEADER_LENGTH = 12;

const NO_CSRCS: readonly number[] = Object.freeze([]);

function malformed(reason: string, message: string, details: Record<string, unknown> = {}): ClaveError {
  return new ClaveError('MALFORMED_RTP', message, { reason, ...details });
}

/*
 * RFC 3550 §5.1, the fixed header:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                           timestamp                           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           synchronization source (SSRC) identifier            |
 *  +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *  |            contributing source (CSRC) identifiers             |
 *  |                             ....                              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * RFC 3550 §5.3.1, the header extension (present when X = 1):
 *
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      defined by profile       |           length              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        header extension                       |
 *  |                             ....                              |
 */

/**
 * Parses one RTP packet, applying the header validity checks of RFC 3550
 * Appendix A.1. Throws `MALFORMED_RTP` with `details.reason` one of
 * `truncated`, `version`, `payload-type`, `padding`, `extension`.
 *
 * @example
 *   const p = parseRtp(datagram);
 *   if (p.payloadType === 0) decodeUlaw(p.payload);
 */
export function parseRtp(buf: Buffer): RtpPacket {
  if (buf.length < RTP_FIXED_HEADER_LENGTH) {
    throw malformed('truncated', 'RTP packet shorter than its fixed header', { length: buf.length });
  }
  const b0 = buf[0]!;
  const b1 = buf[1]!;
  // RFC 3550 §5.1: "The version defined by this specification is two (2)."
  if (b0 >> 6 !== RTP_VERSION) throw malformed('version', 'RTP version is not 2', { version: b0 >> 6 });
  const payloadType = b1 & 0x7f;
  // RFC 3550 A.1: the payload type "must not be equal to SR or RR"; with the
  // marker bit those are 72 and 73, which is how RTCP on the RTP port looks.
  if (payloadType === 72 || payloadType === 73) {
    throw malformed('payload-type', 'RTP payload type collides with RTCP SR/RR', { payloadType });
  }
  const csrcCount = b0 & 0x0f;
  let offset = RTP_FIXED_HEADER_LENGTH + 4 * csrcCount;
  if (buf.length < offset) throw malformed('truncated', 'RTP CSRC list runs past the packet', { length: buf.length, csrcCount });
  let csrcs = NO_CSRCS as number[];
  if (csrcCount > 0) {
    csrcs = new Array<number>(csrcCount);
    for (let i = 0; i < csrcCount; i++) csrcs[i] = buf.readUInt32BE(RTP_FIXED_HEADER_LENGTH + 4 * i);
  }
  let extension: RtpExtension | null = null;
  // RFC 3550 §5.3.1: "If the X bit in the RTP header is one, a variable-length
  // header extension MUST be appended to the RTP header, following the CSRC list".
  if (b0 & 0x10) {
    if (buf.length < offset + 4) throw malformed('extension', 'RTP header extension header truncated', { length: buf.length });
    const profile = buf.readUInt16BE(offset);
    const words = buf.readUInt16BE(offset + 2);
    const end = offset + 4 + 4 * words;
    if (buf.length < end) throw malformed('extension', 'RTP header extension runs past the packet', { length: buf.length, words });
    extension = { profile, data: buf.subarray(offset + 4, end) };
    offset = end;
  }
  let end = buf.length;
  let paddingLength = 0;
  if (b0 & 0x20) {
    // RFC 3550 §5.1: "The last octet of the padding contains a count of how
    // many padding octets should be ignored, including itself."
    paddingLength = buf[buf.length - 1]!;
    if (paddingLength === 0 || paddingLength > end - offset) {
      throw malformed('padding', 'RTP padding count is zero or exceeds the payload', { paddingLength });
    }
    end -= paddingLength;
  }
  return {
    marker: (b1 & 0x80) !== 0,
    payloadType,
    sequenceNumber: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    csrcs,
    extension,
    paddingLength,
    payload: buf.subarray(offset, end),
  };
}

/** Header length in octets for a packet with these optional parts. */
export function rtpHeaderLength(p: Pick<RtpPacketInput, 'csrcs' | 'extension'>): number {
  return RTP_FIXED_HEADER_LENGTH + 4 * (p.csrcs?.length ?? 0) + (p.extension ? 4 + p.extension.data.length : 0);
}

/**
 * Serialises a packet into one freshly allocated Buffer (the only allocation).
 * Out-of-range fields are a caller bug and throw `INVALID_ARGUMENT`.
 *
 * @example
 *   serializeRtp({ marker: false, payloadType: 0, sequenceNumber: 1, timestamp: 160, ssrc: 0x1234, payload: encodeUlaw(frame) });
 */
export function serializeRtp(p: RtpPacketInput): Buffer {
  const headerLength = rtpHeaderLength(p);
  const padding = p.paddingLength ?? 0;
  const out = Buffer.allocUnsafe(headerLength + p.payload.length + padding);
  writeRtpHeader(p, out, 0);
  p.payload.copy(out, headerLength);
  if (padding > 0) {
    out.fill(0, headerLength + p.payload.length, out.length - 1);
    out[out.length - 1] = padding;
  }
  return out;
}

/**
 * Writes the header (fixed part, CSRCs, extension) at `offset` and returns
 * its length, for senders that reuse one output buffer. The P bit is set
 * when `paddingLength` > 0; writing the padding itself is the caller's job.
 */
export function writeRtpHeader(p: Omit<RtpPacketInput, 'payload'>, out: Buffer, offset: number): number {
  const csrcs = p.csrcs ?? NO_CSRCS;
  const padding = p.paddingLength ?? 0;
  checkRange('payloadType', p.payloadType, 0x7f);
  checkRange('sequenceNumber', p.sequenceNumber, 0xffff);
  checkRange('timestamp', p.timestamp, 0xffffffff);
  checkRange('ssrc', p.ssrc, 0xffffffff);
  checkRange('csrcCount', csrcs.length, 15);
  checkRange('paddingLength', padding, 0xff);
  if (p.extension && (p.extension.data.length % 4 !== 0 || p.extension.data.length > 4 * 0xffff)) {
    throw new ClaveError('INVALID_ARGUMENT', 'RTP extension data must be a whole number of 32-bit words', { field: 'extension' });
  }
  out[offset] = (RTP_VERSION << 6) | (padding > 0 ? 0x20 : 0) | (p.extension ? 0x10 : 0) | csrcs.length;
  out[offset + 1] = (p.marker ? 0x80 : 0) | p.payloadType;
  out.writeUInt16BE(p.sequenceNumber, offset + 2);
  out.writeUInt32BE(p.timestamp, offset + 4);
  out.writeUInt32BE(p.ssrc, offset + 8);
  let at = offset + RTP_FIXED_HEADER_LENGTH;
  for (const csrc of csrcs) {
    checkRange('csrc', csrc, 0xffffffff);
    out.writeUInt32BE(csrc, at);
    at += 4;
  }
  if (p.extension) {
    checkRange('extension.profile', p.extension.profile, 0xffff);
    out.writeUInt16BE(p.extension.profile, at);
    out.writeUInt16BE(p.extension.data.length / 4, at + 2);
    p.extension.data.copy(out, at + 4);
    at += 4 + p.extension.data.length;
  }
  return at - offset;
}

function checkRange(field: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new ClaveError('INVALID_ARGUMENT', `RTP ${field} out of range`, { field, value });
  }
}

/**
 * Tells RTCP from RTP on a shared port (RFC 5761 §4): RTCP packet types
 * 192-223 occupy the second octet where RTP has marker + payload type.
 *
 * @example
 *   if (isRtcpPacket(datagram)) parseRtcp(datagram); else parseRtp(datagram);
 */
export function isRtcpPacket(buf: Buffer): boolean {
  const b1 = buf[1];
  return b1 !== undefined && b1 >= 192 && b1 <= 223;
}
