/**
 * RFC 4733 key presses for SIPp's play_pcap_audio, made from Debian's
 * per-key captures (/usr/share/sip-tester/dtmf_2833_<k>.pcap).
 *
 * SIPp 3.6 replays a capture byte for byte (only the UDP ports and
 * checksum change), and Debian's twelve captures come from one stream: the
 * same SSRC, each key at its own fixed sequence numbers and timestamp. Played
 * as they are, "2 1 1 1" would send the three 1s with one timestamp — to a
 * receiver the same press three times, rightly reported once (RFC 4733
 * §2.5.2.2: a new press starts at a new timestamp) — and a 1 after a 2 would
 * go back in sequence and time. A phone never does that, so each press here
 * is the capture of its key moved to where it sits in one stream: sequence
 * numbers and the event timestamp run on from the press before.
 */
import { readFileSync } from 'node:fs';

export const CAPTURE_DIR = '/usr/share/sip-tester';
const CAPTURE_NAME: Record<string, string> = { '*': 'star', '#': 'pound' };
/** libpcap's file header and per-record header (LINKTYPE_ETHERNET captures). */
const FILE_HEADER = 24;
const RECORD_HEADER = 16;
const ETHERNET = 14;
const UDP = 8;
/** Room between presses: a capture spans 8 sequence numbers and 2240 timestamp units (280 ms at 8 kHz). */
const SEQ_STEP = 16;
const TS_STEP = 4000;

/** The name a scenario plays for the `index`-th key press of a call. */
export function pressFile(index: number, key: string): string {
  return `press-${String(index).padStart(2, '0')}-${CAPTURE_NAME[key] ?? key}.pcap`;
}

/** One key's capture with its RTP sequence numbers and timestamp moved by the given offsets. */
function shifted(key: string, seqOffset: number, tsOffset: number): Buffer {
  const data = Buffer.from(readFileSync(`${CAPTURE_DIR}/dtmf_2833_${CAPTURE_NAME[key] ?? key}.pcap`));
  if (data.readUInt32LE(0) !== 0xa1b2c3d4 || data.readUInt32LE(20) !== 1) throw new Error(`${key}: not a little-endian Ethernet pcap`);
  let at = FILE_HEADER;
  while (at + RECORD_HEADER <= data.length) {
    const length = data.readUInt32LE(at + 8);
    const ip = at + RECORD_HEADER + ETHERNET;
    const rtp = ip + (data[ip]! & 0x0f) * 4 + UDP;
    data.writeUInt16BE((data.readUInt16BE(rtp + 2) + seqOffset) & 0xffff, rtp + 2);
    data.writeUInt32BE((data.readUInt32BE(rtp + 4) + tsOffset) >>> 0, rtp + 4);
    at += RECORD_HEADER + length;
  }
  return data;
}

/** First sequence number and timestamp of a capture as Debian ships it. */
function origin(key: string): { seq: number; ts: number } {
  const data = readFileSync(`${CAPTURE_DIR}/dtmf_2833_${CAPTURE_NAME[key] ?? key}.pcap`);
  const ip = FILE_HEADER + RECORD_HEADER + ETHERNET;
  const rtp = ip + (data[ip]! & 0x0f) * 4 + UDP;
  return { seq: data.readUInt16BE(rtp + 2), ts: data.readUInt32BE(rtp + 4) };
}

/**
 * The captures for a call's key presses, by the file names `pressFile` gives:
 * one stream whose sequence numbers and timestamps only go forward.
 *
 * @example
 *   const files = pressCaptures('2 1 1');
 *   files.get(pressFile(1, '1')); // the 1's capture at sequence 1016.., timestamp 14000
 */
export function pressCaptures(keys: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  splitKeys(keys).forEach((key, i) => {
    const o = origin(key);
    files.set(pressFile(i, key), shifted(key, 1000 + i * SEQ_STEP - o.seq, 10_000 + i * TS_STEP - o.ts));
  });
  return files;
}

/** "2 1 12345678" → ['2', '1', '1', '2', …]: spaces only for reading. */
export function splitKeys(keys: string): string[] {
  return keys.replace(/\s/g, '').split('');
}
