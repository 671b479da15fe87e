import { ClaveError } from '../../../shared/index.ts';
import { RTCP_BYE, RTCP_RR, RTCP_SDES, RTCP_SR, SDES_CNAME, type ReportBlock, type RtcpPacket } from './rtcp.ts';

/**
 * Serialises a compound RTCP packet (layouts drawn in rtcp.ts). The RFC's
 * rules for what a compound packet holds are checked because breaking them
 * is our bug, not the peer's: `INVALID_ARGUMENT`.
 *
 * @example
 *   serializeRtcp([
 *     { type: 'sr', ssrc, ntpSeconds, ntpFraction, rtpTimestamp, packetCount, octetCount, reports: [] },
 *     { type: 'sdes', chunks: [{ ssrc, items: [{ itemType: SDES_CNAME, value: 'clave@192.0.2.1' }] }] },
 *   ]);
 */
export function serializeRtcp(packets: readonly RtcpPacket[]): Buffer {
  // RFC 3550 §6.1: "The first RTCP packet in the compound packet MUST always
  // be a report packet", and "An SDES packet containing a CNAME item MUST be
  // included in each compound RTCP packet".
  const first = packets[0];
  if (!first || (first.type !== 'sr' && first.type !== 'rr')) {
    throw new ClaveError('INVALID_ARGUMENT', 'A compound RTCP packet starts with an SR or RR', { field: 'packets' });
  }
  const hasCname = packets.some((p) => p.type === 'sdes' && p.chunks.some((c) => c.items.some((i) => i.itemType === SDES_CNAME)));
  if (!hasCname) throw new ClaveError('INVALID_ARGUMENT', 'A compound RTCP packet carries an SDES CNAME', { field: 'packets' });
  return Buffer.concat(packets.map(serializeRtcpPacket));
}

/** One RTCP packet on its own (a compound packet is the concatenation of these). */
export function serializeRtcpPacket(p: RtcpPacket): Buffer {
  switch (p.type) {
    case 'sr': {
      const out = header(RTCP_SR, p.reports.length, 28 + 24 * p.reports.length);
      out.writeUInt32BE(p.ssrc, 4);
      out.writeUInt32BE(p.ntpSeconds, 8);
      out.writeUInt32BE(p.ntpFraction, 12);
      out.writeUInt32BE(p.rtpTimestamp, 16);
      out.writeUInt32BE(p.packetCount >>> 0, 20);
      out.writeUInt32BE(p.octetCount >>> 0, 24);
      writeReportBlocks(out, 28, p.reports);
      return out;
    }
    case 'rr': {
      const out = header(RTCP_RR, p.reports.length, 8 + 24 * p.reports.length);
      out.writeUInt32BE(p.ssrc, 4);
      writeReportBlocks(out, 8, p.reports);
      return out;
    }
    case 'sdes':
      return serializeSdes(p.chunks);
    case 'bye':
      return serializeBye(p.ssrcs, p.reason);
    case 'other': {
      if (p.body.length % 4 !== 0) throw new ClaveError('INVALID_ARGUMENT', 'RTCP body must be whole 32-bit words', { field: 'body' });
      const out = header(p.packetType, p.count, 4 + p.body.length);
      p.body.copy(out, 4);
      return out;
    }
  }
}

function header(packetType: number, count: number, length: number): Buffer {
  if (count > 31) throw new ClaveError('INVALID_ARGUMENT', 'RTCP count over 31', { field: 'count', count });
  const out = Buffer.alloc(length);
  out[0] = 0x80 | count;
  out[1] = packetType;
  out.writeUInt16BE(length / 4 - 1, 2);
  return out;
}

function writeReportBlocks(out: Buffer, start: number, reports: readonly ReportBlock[]): void {
  let at = start;
  for (const r of reports) {
    out.writeUInt32BE(r.ssrc, at);
    out[at + 4] = r.fractionLost & 0xff;
    // Signed 24 bits; clamp rather than wrap so a huge loss never reads as a gain.
    out.writeIntBE(Math.max(-0x800000, Math.min(0x7fffff, r.cumulativeLost)), at + 5, 3);
    out.writeUInt32BE(r.highestSequence >>> 0, at + 8);
    out.writeUInt32BE(r.jitter >>> 0, at + 12);
    out.writeUInt32BE(r.lastSr >>> 0, at + 16);
    out.writeUInt32BE(r.delaySinceLastSr >>> 0, at + 20);
    at += 24;
  }
}

function serializeSdes(chunks: { ssrc: number; items: { itemType: number; value: string }[] }[]): Buffer {
  const parts: Buffer[] = [];
  for (const c of chunks) {
    const items = c.items.map((i) => {
      const text = Buffer.from(i.value, 'utf8');
      if (text.length > 255) throw new ClaveError('INVALID_ARGUMENT', 'SDES item over 255 octets', { field: 'value' });
      return Buffer.concat([Buffer.from([i.itemType, text.length]), text]);
    });
    const used = 4 + items.reduce((n, b) => n + b.length, 0);
    // RFC 3550 §6.5: the item list ends with at least one null octet, padding to a 32-bit boundary.
    const chunk = Buffer.alloc((used + 4) & ~3);
    chunk.writeUInt32BE(c.ssrc, 0);
    Buffer.concat(items).copy(chunk, 4);
    parts.push(chunk);
  }
  const body = Buffer.concat(parts);
  const out = header(RTCP_SDES, chunks.length, 4 + body.length);
  body.copy(out, 4);
  return out;
}

function serializeBye(ssrcs: readonly number[], reason: string | null): Buffer {
  const text = reason === null ? Buffer.alloc(0) : Buffer.from(reason, 'utf8');
  if (text.length > 255) throw new ClaveError('INVALID_ARGUMENT', 'BYE reason over 255 octets', { field: 'reason' });
  const reasonBytes = reason === null ? 0 : 1 + text.length;
  const out = header(RTCP_BYE, ssrcs.length, 4 + 4 * ssrcs.length + ((reasonBytes + 3) & ~3));
  ssrcs.forEach((s, i) => out.writeUInt32BE(s, 4 + 4 * i));
  if (reason !== null) {
    out[4 + 4 * ssrcs.length] = text.length;
    text.copy(out, 5 + 4 * ssrcs.length);
  }
  return out;
}
