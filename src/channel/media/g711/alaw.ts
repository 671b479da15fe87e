/**
 * G.711 A-law (PCMA, RTP payload type 8; RFC 3551 §4.5.14) between 16-bit
 * linear PCM and 8-bit code words. ITU-T G.711 defines the law on 13-bit
 * magnitudes; the reference formulation below (Sun/CCITT g711.c) runs once
 * at load to fill tables, so per-sample work is one table read.
 */

const SEG_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

/** A-law code for digital silence (+0): G.711 inverts the even bits (XOR 0x55). */
export const ALAW_SILENCE = 0xd5;

function linearToAlawReference(sample: number): number {
  let pcm = sample >> 3;
  let mask = 0xd5;
  if (pcm < 0) {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  let seg = 0;
  while (seg < 8 && pcm > SEG_END[seg]!) seg++;
  if (seg >= 8) return 0x7f ^ mask;
  const quant = seg < 2 ? (pcm >> 1) & 0x0f : (pcm >> seg) & 0x0f;
  return ((seg << 4) | quant) ^ mask;
}

function alawToLinearReference(code: number): number {
  const a = code ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

const ENCODE = new Uint8Array(65536);
for (let i = 0; i < 65536; i++) ENCODE[i] = linearToAlawReference((i << 16) >> 16);
const DECODE = new Int16Array(256);
for (let i = 0; i < 256; i++) DECODE[i] = alawToLinearReference(i);

/** @example linearToAlaw(0) // 0xd5 */
export function linearToAlaw(sample: number): number {
  return ENCODE[sample & 0xffff]!;
}

/** @example alawToLinear(0xaa) // 32256 */
export function alawToLinear(code: number): number {
  return DECODE[code & 0xff]!;
}

/** Encodes into `out` at `offset` without allocating; returns bytes written. */
export function encodeAlawInto(samples: Int16Array, out: Uint8Array, offset = 0): number {
  const n = samples.length;
  for (let i = 0; i < n; i++) out[offset + i] = ENCODE[samples[i]! & 0xffff]!;
  return n;
}

/** @example encodeAlaw(new Int16Array(160)); // 160 bytes of 0xd5 */
export function encodeAlaw(samples: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length);
  encodeAlawInto(samples, out);
  return out;
}

/** Decodes into `out` at `offset` without allocating; returns samples written. */
export function decodeAlawInto(codes: Uint8Array, out: Int16Array, offset = 0): number {
  const n = codes.length;
  for (let i = 0; i < n; i++) out[offset + i] = DECODE[codes[i]!]!;
  return n;
}

/** @example decodeAlaw(packet.payload) // Int16Array, one sample per byte */
export function decodeAlaw(codes: Uint8Array): Int16Array {
  const out = new Int16Array(codes.length);
  decodeAlawInto(codes, out);
  return out;
}
