/**
 * G.711 µ-law (PCMU, RTP payload type 0; RFC 3551 §4.5.14) between 16-bit
 * linear PCM and 8-bit code words. ITU-T G.711 defines the law on 14-bit
 * magnitudes; the computation below is the classic reference formulation
 * (the Sun/CCITT g711.c that sox and most stacks share) and runs once, at
 * load, to fill tables. Per-sample work is then one table read.
 */

const BIAS = 0x84;
const CLIP = 8159;
// Top of each segment for the biased 14-bit magnitude.
const SEG_END = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];

/** µ-law code for digital silence (+0). */
export const ULAW_SILENCE = 0xff;

function linearToUlawReference(sample: number): number {
  let pcm = sample >> 2;
  let mask = 0xff;
  if (pcm < 0) {
    pcm = -pcm;
    mask = 0x7f;
  }
  if (pcm > CLIP) pcm = CLIP;
  pcm += BIAS >> 2;
  let seg = 0;
  while (seg < 8 && pcm > SEG_END[seg]!) seg++;
  // G.711 transmits µ-law code words with all bits inverted.
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((pcm >> (seg + 1)) & 0x0f)) ^ mask;
}

function ulawToLinearReference(code: number): number {
  const u = ~code & 0xff;
  let t = ((u & 0x0f) << 3) + BIAS;
  t <<= (u & 0x70) >> 4;
  return u & 0x80 ? BIAS - t : t - BIAS;
}

/** Indexed by the sample's 16 bits as unsigned (`sample & 0xffff`). */
const ENCODE = new Uint8Array(65536);
for (let i = 0; i < 65536; i++) ENCODE[i] = linearToUlawReference((i << 16) >> 16);
const DECODE = new Int16Array(256);
for (let i = 0; i < 256; i++) DECODE[i] = ulawToLinearReference(i);

/** @example linearToUlaw(0) // 0xff */
export function linearToUlaw(sample: number): number {
  return ENCODE[sample & 0xffff]!;
}

/** @example ulawToLinear(0x80) // 32124 */
export function ulawToLinear(code: number): number {
  return DECODE[code & 0xff]!;
}

/**
 * Encodes samples into `out` at `offset` without allocating; returns the
 * number of bytes written (one per sample).
 */
export function encodeUlawInto(samples: Int16Array, out: Uint8Array, offset = 0): number {
  const n = samples.length;
  for (let i = 0; i < n; i++) out[offset + i] = ENCODE[samples[i]! & 0xffff]!;
  return n;
}

/**
 * @example
 *   encodeUlaw(new Int16Array(160)); // 160 bytes of 0xff: 20 ms of silence
 */
export function encodeUlaw(samples: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length);
  encodeUlawInto(samples, out);
  return out;
}

/** Decodes into `out` at `offset` without allocating; returns samples written. */
export function decodeUlawInto(codes: Uint8Array, out: Int16Array, offset = 0): number {
  const n = codes.length;
  for (let i = 0; i < n; i++) out[offset + i] = DECODE[codes[i]!]!;
  return n;
}

/** @example decodeUlaw(packet.payload) // Int16Array, one sample per byte */
export function decodeUlaw(codes: Uint8Array): Int16Array {
  const out = new Int16Array(codes.length);
  decodeUlawInto(codes, out);
  return out;
}
