import { describe, expect, it } from 'vitest';
import { ALAW_TO_LINEAR, ULAW_TO_LINEAR } from './g711-expand.ts';
import { parseWav } from './wav-read.ts';
import { encodeWav } from './wav-write.ts';

interface WavSpec {
  format?: number;
  channels?: number;
  rate?: number;
  bits?: number;
  blockAlign?: number;
  data: Uint8Array;
  extensible?: boolean;
  extraChunk?: boolean;
}

/** Builds a WAV file by hand, so malformed variants are easy to make. */
function wav(spec: WavSpec): Buffer {
  const { format = 1, channels = 1, rate = 8000, bits = 16, data } = spec;
  const blockAlign = spec.blockAlign ?? (channels * bits) / 8;
  const fmt = Buffer.alloc(spec.extensible ? 40 : 16);
  fmt.writeUInt16LE(spec.extensible ? 0xfffe : format, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(rate * blockAlign, 8);
  fmt.writeUInt16LE(blockAlign, 12);
  fmt.writeUInt16LE(bits, 14);
  if (spec.extensible) {
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(bits, 18);
    fmt.writeUInt16LE(format, 24); // SubFormat GUID's first two bytes
  }
  const chunk = (id: string, body: Uint8Array) => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'latin1');
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body, Buffer.alloc(body.length % 2)]);
  };
  const chunks = [chunk('fmt ', fmt), ...(spec.extraChunk ? [chunk('LIST', Buffer.from('INFOabc'))] : []), chunk('data', data)];
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), ...chunks]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

const int16le = (...values: number[]) => {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => b.writeInt16LE(v, i * 2));
  return b;
};

const invalid = (reason: RegExp): unknown =>
  expect.objectContaining({ code: 'INVALID_AUDIO', message: expect.stringMatching(reason) as unknown, details: expect.objectContaining({ file: 'es/main_menu.wav' }) as unknown });

describe('G.711 expansion', () => {
  it('gives the ITU-T G.711 values at the ends and the middle of each scale', () => {
    expect(ULAW_TO_LINEAR[0xff]).toBe(0);
    expect(ULAW_TO_LINEAR[0x80]).toBe(32124);
    expect(ULAW_TO_LINEAR[0x00]).toBe(-32124);
    expect(ULAW_TO_LINEAR[0xf0]).toBe(120); // top of segment 0
    expect(ULAW_TO_LINEAR[0xef]).toBe(132); // bottom of segment 1
    expect(ALAW_TO_LINEAR[0xd5]).toBe(8);
    expect(ALAW_TO_LINEAR[0x55]).toBe(-8);
    expect(ALAW_TO_LINEAR[0xaa]).toBe(32256);
    expect(ALAW_TO_LINEAR[0x2a]).toBe(-32256);
  });

  it('is monotonic in magnitude along each sign half', () => {
    for (let c = 0x80; c < 0xff; c++) expect(ULAW_TO_LINEAR[c] as number).toBeGreaterThan(ULAW_TO_LINEAR[c + 1] as number);
  });
});

describe('parseWav', () => {
  it('reads back what encodeWav writes', () => {
    const samples = new Int16Array([0, 1, -1, 32767, -32768, 1234]);
    const pcm = parseWav(encodeWav({ samples, sampleRate: 22050 }), 'x.wav');
    expect(pcm.sampleRate).toBe(22050);
    expect([...pcm.samples]).toEqual([...samples]);
  });

  it('averages channels, skips unknown chunks and drops a trailing partial frame', () => {
    const data = Buffer.concat([int16le(100, 300, -100, -300), Buffer.from([7])]);
    const pcm = parseWav(wav({ channels: 2, rate: 16000, data, extraChunk: true }), 'stereo.wav');
    expect(pcm.sampleRate).toBe(16000);
    expect([...pcm.samples]).toEqual([200, -200]);
  });

  it('expands µ-law and A-law, plain or WAVE_FORMAT_EXTENSIBLE', () => {
    const data = new Uint8Array([0xff, 0x80, 0x00]);
    expect([...parseWav(wav({ format: 7, bits: 8, data }), 'u.wav').samples]).toEqual([0, 32124, -32124]);
    expect([...parseWav(wav({ format: 6, bits: 8, data: new Uint8Array([0xd5, 0x2a]) }), 'a.wav').samples]).toEqual([8, -32256]);
    expect([...parseWav(wav({ format: 7, bits: 8, data, extensible: true }), 'x.wav').samples]).toEqual([0, 32124, -32124]);
    expect([...parseWav(wav({ format: 1, bits: 16, data: int16le(5, -5), extensible: true }), 'x.wav').samples]).toEqual([5, -5]);
  });

  it('names the file and the fault for malformed input', () => {
    const name = 'es/main_menu.wav';
    const good = wav({ data: int16le(1, 2, 3, 4) });
    expect(() => parseWav(Buffer.from('ID3\u0004 not a wav at all'), name)).toThrow(invalid(/^es\/main_menu\.wav: not a RIFF\/WAVE file$/));
    expect(() => parseWav(good.subarray(0, 8), name)).toThrow(invalid(/not a RIFF\/WAVE file/));
    expect(() => parseWav(good.subarray(0, good.length - 3), name)).toThrow(invalid(/chunk "data" is truncated \(8 bytes declared, 5 present\)/));
    const noData = Buffer.from(good.subarray(0, 36));
    expect(() => parseWav(noData, name)).toThrow(invalid(/no "data" chunk/));
    const noFmt = Buffer.from(good);
    noFmt.write('junk', 12, 'latin1');
    expect(() => parseWav(noFmt, name)).toThrow(invalid(/no "fmt " chunk/));
  });

  it('refuses encodings it cannot play', () => {
    const name = 'es/main_menu.wav';
    expect(() => parseWav(wav({ format: 3, bits: 32, data: new Uint8Array(8) }), name)).toThrow(invalid(/unsupported encoding \(format 3, 32 bits\)/));
    expect(() => parseWav(wav({ bits: 24, data: new Uint8Array(6) }), name)).toThrow(invalid(/unsupported encoding \(format 1, 24 bits\)/));
    expect(() => parseWav(wav({ bits: 8, data: new Uint8Array(6) }), name)).toThrow(invalid(/unsupported encoding/));
    expect(() => parseWav(wav({ channels: 0, blockAlign: 2, data: new Uint8Array(4) }), name)).toThrow(invalid(/zero channels/));
    expect(() => parseWav(wav({ rate: 0, data: new Uint8Array(4) }), name)).toThrow(invalid(/sample rate 0/));
    expect(() => parseWav(wav({ blockAlign: 3, data: new Uint8Array(6) }), name)).toThrow(invalid(/block align 3/));
  });
});
