import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_SOX, soxAvailable } from '../testing/tools.ts';
import { alawToLinear, decodeAlaw, encodeAlaw, encodeAlawInto, linearToAlaw } from './alaw.ts';
import { g711Codec } from './g711-codec.ts';
import { decodeUlaw, encodeUlaw, encodeUlawInto, linearToUlaw, ulawToLinear } from './mulaw.ts';

const laws = [
  { name: 'µ-law', enc: linearToUlaw, dec: ulawToLinear, encode: encodeUlaw, decode: decodeUlaw },
  { name: 'A-law', enc: linearToAlaw, dec: alawToLinear, encode: encodeAlaw, decode: decodeAlaw },
];

function sine(freq: number, amplitude: number, n: number): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / 8000));
  return out;
}

describe('G.711 µ-law', () => {
  it('encodes silence as 0xFF and decodes both zeros to 0', () => {
    expect(linearToUlaw(0)).toBe(0xff);
    expect(encodeUlaw(new Int16Array(160))).toEqual(Buffer.alloc(160, 0xff));
    expect(ulawToLinear(0xff)).toBe(0);
    expect(ulawToLinear(0x7f)).toBe(0);
  });

  it('matches the reference values at the ends of the range', () => {
    expect(linearToUlaw(32767)).toBe(0x80);
    expect(linearToUlaw(-32768)).toBe(0x00);
    expect(ulawToLinear(0x80)).toBe(32124);
    expect(ulawToLinear(0x00)).toBe(-32124);
    expect(ulawToLinear(0xfe)).toBe(8);
    expect(ulawToLinear(0x7e)).toBe(-8);
    expect(linearToUlaw(1000)).toBe(0xce);
    expect(ulawToLinear(0xce)).toBe(988);
  });
});

describe('G.711 A-law', () => {
  it('encodes silence as 0xD5', () => {
    expect(linearToAlaw(0)).toBe(0xd5);
    expect(encodeAlaw(new Int16Array(160))).toEqual(Buffer.alloc(160, 0xd5));
    expect(alawToLinear(0xd5)).toBe(8);
    expect(alawToLinear(0x55)).toBe(-8);
  });

  it('matches the reference values at the ends of the range', () => {
    expect(linearToAlaw(32767)).toBe(0xaa);
    expect(linearToAlaw(-32768)).toBe(0x2a);
    expect(alawToLinear(0xaa)).toBe(32256);
    expect(alawToLinear(0x2a)).toBe(-32256);
    expect(linearToAlaw(1000)).toBe(0xfa);
    expect(alawToLinear(0xfa)).toBe(1008);
  });
});

describe.each(laws)('$name properties', ({ enc, dec, encode, decode }) => {
  it('keeps the round-trip error within the segment step (|x| / 32 + 16) for every 16-bit sample', () => {
    let worst = 0;
    for (let x = -32768; x <= 32767; x++) {
      const err = Math.abs(dec(enc(x)) - x);
      worst = Math.max(worst, err - (Math.abs(x) / 32 + 16));
    }
    expect(worst).toBeLessThanOrEqual(0);
  });

  it('is monotonic: a louder sample never decodes quieter', () => {
    let previous = -Infinity;
    let violations = 0;
    for (let x = -32768; x <= 32767; x++) {
      const y = dec(enc(x));
      if (y < previous) violations++;
      previous = y;
    }
    expect(violations).toBe(0);
  });

  it('re-encodes every decoded code word to itself (µ-law -0 becomes +0)', () => {
    const moved: number[] = [];
    for (let c = 0; c < 256; c++) if (enc(dec(c)) !== c) moved.push(c);
    expect(moved).toEqual(dec === ulawToLinear ? [0x7f] : []);
  });

  it('keeps a 1 kHz tone at -6 dBFS above 35 dB signal-to-quantisation-noise', () => {
    const x = sine(1004, 16384, 8000);
    const y = decode(encode(x));
    let signal = 0;
    let noise = 0;
    for (let i = 0; i < x.length; i++) {
      signal += x[i]! ** 2;
      noise += (y[i]! - x[i]!) ** 2;
    }
    expect(10 * Math.log10(signal / noise)).toBeGreaterThan(35);
  });
});

describe('in-place encoders', () => {
  it('write at an offset without touching the rest of the buffer', () => {
    const out = Buffer.alloc(8, 0x11);
    expect(encodeUlawInto(new Int16Array([0, 32767]), out, 2)).toBe(2);
    expect(encodeAlawInto(new Int16Array([0, 32767]), out, 5)).toBe(2);
    expect([...out]).toEqual([0x11, 0x11, 0xff, 0x80, 0x11, 0xd5, 0xaa, 0x11]);
  });
});

describe('g711Codec', () => {
  it('describes PCMU and PCMA with their static payload types and silence', () => {
    expect(g711Codec('PCMU')).toMatchObject({ name: 'PCMU', payloadType: 0, clockRate: 8000, silence: 0xff });
    expect(g711Codec('PCMA')).toMatchObject({ name: 'PCMA', payloadType: 8, clockRate: 8000, silence: 0xd5 });
    expect(g711Codec('PCMA').encode(new Int16Array([1000]))).toEqual(Buffer.from([0xfa]));
  });
});

// sox's decoders are table-exact G.711; its encoders round rather than truncate
// before quantising, so only decoding is compared bit for bit.
describe('against sox', () => {
  it('decodes all 256 code words of both laws exactly as sox does', (ctx) => {
    ctx.skip(!soxAvailable(), NO_SOX);
    const dir = mkdtempSync(path.join(tmpdir(), 'clave-g711-'));
    try {
      const codes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      writeFileSync(path.join(dir, 'codes.raw'), codes);
      for (const [encoding, decode] of [['u-law', decodeUlaw], ['a-law', decodeAlaw]] as const) {
        const out = path.join(dir, `${encoding}.s16`);
        execFileSync('sox', ['-D', '-t', 'raw', '-r', '8000', '-e', encoding, '-b', '8', '-c', '1', path.join(dir, 'codes.raw'), '-t', 'raw', '-e', 'signed', '-b', '16', '-L', out]);
        const bytes = readFileSync(out);
        const theirs = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
        expect(Array.from(decode(codes))).toEqual(Array.from(theirs));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
