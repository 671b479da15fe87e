import { open } from 'node:fs/promises';

/** One UDP datagram from a capture, with the time the kernel saw it. */
export interface UdpDatagram {
  /** Capture time in ms since the Unix epoch (µs or ns resolution, as the file has it). */
  timeMs: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  /** The UDP payload (a view into a reused buffer: copy what you keep). */
  payload: Buffer;
}

export interface PcapSummary {
  records: number;
  udp: number;
  /** Records that are not UDP over IPv4/IPv6, truncated by the snap length, or IP fragments. */
  skipped: number;
}

const CHUNK = 4 << 20;

/**
 * Reads a classic pcap file (libpcap format, not pcapng: capture with
 * `-F pcap`) and hands every UDP datagram to `onDatagram`, in file order,
 * streaming so a capture of hundreds of megabytes stays out of memory.
 * Link types: Ethernet (what Linux's loopback gives), Linux cooked v1/v2,
 * BSD loopback and raw IP.
 *
 * @example
 *   const summary = await readPcapUdp('/tmp/level-100.pcap', (d) => {
 *     if (d.dstPort === 5060) sip.push(d.payload.toString('latin1'));
 *   });
 */
export async function readPcapUdp(path: string, onDatagram: (d: UdpDatagram) => void): Promise<PcapSummary> {
  const file = await open(path, 'r');
  try {
    let buf = Buffer.alloc(CHUNK);
    let start = 0;
    let end = 0;
    let position = 0;
    const fill = async (need: number): Promise<boolean> => {
      if (end - start >= need) return true;
      if (start > 0) {
        buf.copy(buf, 0, start, end);
        end -= start;
        start = 0;
      }
      if (need > buf.length) {
        const bigger = Buffer.alloc(Math.max(need, buf.length * 2));
        buf.copy(bigger, 0, 0, end);
        buf = bigger;
      }
      while (end < need) {
        const { bytesRead } = await file.read(buf, end, buf.length - end, position);
        if (bytesRead === 0) return false;
        end += bytesRead;
        position += bytesRead;
      }
      return true;
    };
    if (!(await fill(24))) throw new Error(`${path}: not a pcap file (too short)`);
    const magic = buf.readUInt32LE(0);
    const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
    const be = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1;
    if (!le && !be) throw new Error(`${path}: not a classic pcap file (pcapng? capture with -F pcap)`);
    const nanos = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
    const u32 = (at: number) => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
    const linkType = u32(20) & 0x0fffffff;
    start = 24;
    const summary: PcapSummary = { records: 0, udp: 0, skipped: 0 };
    while (await fill(16)) {
      const sec = u32(start);
      const frac = u32(start + 4);
      const caplen = u32(start + 8);
      const origlen = u32(start + 12);
      if (!(await fill(16 + caplen))) break; // a record cut short by a capture killed mid-write
      const frame = buf.subarray(start + 16, start + 16 + caplen);
      start += 16 + caplen;
      summary.records++;
      const timeMs = sec * 1000 + (nanos ? frac / 1e6 : frac / 1e3);
      const d = caplen === origlen ? udpOf(frame, linkType, timeMs) : null;
      if (d) {
        summary.udp++;
        onDatagram(d);
      } else summary.skipped++;
    }
    return summary;
  } finally {
    await file.close();
  }
}

/** The IP packet inside a link-layer frame, with its version, or null. */
function ipOf(frame: Buffer, linkType: number): Buffer | null {
  switch (linkType) {
    case 1: {
      // Ethernet II, with at most one 802.1Q tag.
      let type = frame.length >= 14 ? frame.readUInt16BE(12) : 0;
      let at = 14;
      if (type === 0x8100 && frame.length >= 18) {
        type = frame.readUInt16BE(16);
        at = 18;
      }
      return type === 0x0800 || type === 0x86dd ? frame.subarray(at) : null;
    }
    case 113: // Linux cooked capture v1: protocol at 14, 16-byte header
      return frame.length >= 16 ? frame.subarray(16) : null;
    case 276: // Linux cooked capture v2: 20-byte header
      return frame.length >= 20 ? frame.subarray(20) : null;
    case 0: // BSD loopback: 4-byte address family in host order
      return frame.length >= 4 ? frame.subarray(4) : null;
    case 12:
    case 101:
    case 228:
    case 229:
      return frame;
    default:
      return null;
  }
}

function udpOf(frame: Buffer, linkType: number, timeMs: number): UdpDatagram | null {
  const ip = ipOf(frame, linkType);
  if (!ip || ip.length < 20) return null;
  const version = ip[0]! >> 4;
  let udp: Buffer;
  let src: string;
  let dst: string;
  if (version === 4) {
    const ihl = (ip[0]! & 0x0f) * 4;
    const fragment = ip.readUInt16BE(6) & 0x3fff; // MF flag or a fragment offset
    if (ip[9] !== 17 || fragment !== 0) return null;
    udp = ip.subarray(ihl, ip.readUInt16BE(2));
    src = `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`;
    dst = `${ip[16]}.${ip[17]}.${ip[18]}.${ip[19]}`;
  } else if (version === 6 && ip.length >= 40) {
    if (ip[6] !== 17) return null; // extension headers: not on our loopback traffic
    udp = ip.subarray(40, 40 + ip.readUInt16BE(4));
    src = ipv6(ip.subarray(8, 24));
    dst = ipv6(ip.subarray(24, 40));
  } else return null;
  if (udp.length < 8) return null;
  return { timeMs, src, srcPort: udp.readUInt16BE(0), dst, dstPort: udp.readUInt16BE(2), payload: udp.subarray(8, udp.readUInt16BE(4)) };
}

function ipv6(b: Buffer): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(b.readUInt16BE(i).toString(16));
  return words.join(':');
}
