/**
 * G.711 expansion (8-bit code → 16-bit linear), only to read µ-law and A-law
 * WAV recordings. The channel owns the encoder side (src/channel/media/g711);
 * speech may not import it, and decoding is ten lines.
 *
 * @example
 *   ULAW_TO_LINEAR[0xff]; // 0
 *   ALAW_TO_LINEAR[0xd5]; // 8
 */
export const ULAW_TO_LINEAR: Int16Array = buildTable(expandUlaw);
export const ALAW_TO_LINEAR: Int16Array = buildTable(expandAlaw);

function buildTable(expand: (code: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let code = 0; code < 256; code++) table[code] = expand(code);
  return table;
}

// ITU-T G.711 Table 2 (µ-law): codes are sent inverted; bias 0x84 (132).
function expandUlaw(code: number): number {
  const u = ~code & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

// ITU-T G.711 Table 1 (A-law): even bits are inverted (XOR 0x55); sign bit 1 is positive.
function expandAlaw(code: number): number {
  const a = code ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}
