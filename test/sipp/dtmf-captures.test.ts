import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAPTURE_DIR, pressCaptures, pressFile } from './dtmf-captures.ts';

/** Where each packet's RTP header starts in a capture (Ethernet, IPv4, UDP). */
function rtpOffsets(pcap: Buffer): number[] {
  const out = [];
  for (let at = 24; at + 16 <= pcap.length; at += 16 + pcap.readUInt32LE(at + 8)) {
    const ip = at + 16 + 14;
    out.push(ip + (pcap[ip]! & 0x0f) * 4 + 8);
  }
  return out;
}

/** RTP header fields and the RFC 4733 event of every packet in a capture. */
function packets(pcap: Buffer): { seq: number; ts: number; event: number; end: boolean }[] {
  return rtpOffsets(pcap).map((rtp) => ({ seq: pcap.readUInt16BE(rtp + 2), ts: pcap.readUInt32BE(rtp + 4), event: pcap[rtp + 12]!, end: (pcap[rtp + 13]! & 0x80) !== 0 }));
}

const present = existsSync(`${CAPTURE_DIR}/dtmf_2833_1.pcap`);

describe.skipIf(!present)('key press captures from Debian’s', () => {
  it('puts repeated and falling keys on one forward-running stream, each press at its own timestamp', () => {
    const files = pressCaptures('2 1 1 #');
    expect([...files.keys()]).toEqual([pressFile(0, '2'), pressFile(1, '1'), pressFile(2, '1'), pressFile(3, '#')]);
    expect(pressFile(3, '#')).toBe('press-03-pound.pcap');
    const presses = [...files.values()].map(packets);
    expect(presses.map((p) => p[0]?.event)).toEqual([2, 1, 1, 11]);
    for (const p of presses) {
      // Every packet of a press carries the press's timestamp; the end packet goes three times (RFC 4733 §2.5.1.4).
      expect(new Set(p.map((x) => x.ts)).size).toBe(1);
      expect(p.filter((x) => x.end)).toHaveLength(3);
    }
    const starts = presses.map((p) => p[0]?.ts ?? 0);
    expect(starts).toEqual([10_000, 14_000, 18_000, 22_000]);
    const seqs = presses.flatMap((p) => p.map((x) => x.seq));
    expect(seqs.every((s, i) => i === 0 || s >= (seqs[i - 1] ?? 0))).toBe(true);
  });

  it('leaves everything but the sequence numbers and timestamp as Debian ships it', () => {
    const original = readFileSync(`${CAPTURE_DIR}/dtmf_2833_5.pcap`);
    const moved = pressCaptures('5').get(pressFile(0, '5'));
    expect(moved?.length).toBe(original.length);
    const differing = [...original.keys()].filter((i) => original[i] !== moved?.[i]);
    // Bytes 2-3 (sequence number) and 4-7 (timestamp) of each RTP header, nothing else.
    const rtpFields = new Set(rtpOffsets(original).flatMap((rtp) => [2, 3, 4, 5, 6, 7].map((k) => rtp + k)));
    expect(differing.length).toBeGreaterThan(0);
    expect(differing.filter((i) => !rtpFields.has(i))).toEqual([]);
  });
});
