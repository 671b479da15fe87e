import { ClaveError } from '../shared/index.ts';
import { ALAW_TO_LINEAR, ULAW_TO_LINEAR } from './g711-expand.ts';
import type { Pcm } from './pcm.ts';

// WAVE format tags (RFC 2361 appendix A).
const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_ALAW = 0x0006;
const WAVE_FORMAT_MULAW = 0x0007;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/**
 * Reads a RIFF/WAVE file holding 16-bit PCM or 8-bit G.711 (µ-law, A-law), at
 * any rate and channel count, into mono 16-bit PCM (channels averaged).
 * Anything else fails with INVALID_AUDIO naming `name`, so an operator knows
 * which recording to fix.
 *
 *   RIFF header:  "RIFF" <u32 size> "WAVE"  then chunks
 *   chunk:        <4-char id> <u32 size> <size bytes> [pad byte if size is odd]
 *   "fmt " chunk: u16 format, u16 channels, u32 rate, u32 byte rate,
 *                 u16 block align, u16 bits per sample [, u16 cbSize, …]
 *
 * @example
 *   const { samples, sampleRate } = parseWav(await readFile(path), path);
 */
export function parseWav(buf: Uint8Array, name: string): Pcm {
  const fail = (reason: string): never => {
    throw new ClaveError('INVALID_AUDIO', `${name}: ${reason}`, { file: name, reason });
  };
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tag = (at: number) => String.fromCharCode(buf[at] ?? 0, buf[at + 1] ?? 0, buf[at + 2] ?? 0, buf[at + 3] ?? 0);
  if (buf.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') fail('not a RIFF/WAVE file');
  let fmt: DataView | undefined;
  let data: Uint8Array | undefined;
  for (let at = 12; at + 8 <= buf.length; ) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (body + size > buf.length) fail(`chunk "${id}" is truncated (${size} bytes declared, ${buf.length - body} present)`);
    if (id === 'fmt ') fmt = new DataView(buf.buffer, buf.byteOffset + body, size);
    else if (id === 'data') data = buf.subarray(body, body + size);
    at = body + size + (size % 2);
  }
  if (!fmt) return fail('no "fmt " chunk');
  if (!data) return fail('no "data" chunk');
  if (fmt.byteLength < 16) fail(`"fmt " chunk too short (${fmt.byteLength} bytes)`);
  let format = fmt.getUint16(0, true);
  const channels = fmt.getUint16(2, true);
  const sampleRate = fmt.getUint32(4, true);
  const blockAlign = fmt.getUint16(12, true);
  const bits = fmt.getUint16(14, true);
  if (format === WAVE_FORMAT_EXTENSIBLE) {
    // The real format is the first two bytes of the SubFormat GUID, at offset 24.
    if (fmt.byteLength < 40) fail('WAVE_FORMAT_EXTENSIBLE "fmt " chunk too short');
    format = fmt.getUint16(24, true);
  }
  if (channels === 0) fail('zero channels');
  if (sampleRate === 0) fail('sample rate 0');
  const kind =
    format === WAVE_FORMAT_PCM && bits === 16 ? 'pcm16'
    : format === WAVE_FORMAT_MULAW && bits === 8 ? 'ulaw'
    : format === WAVE_FORMAT_ALAW && bits === 8 ? 'alaw'
    : fail(`unsupported encoding (format ${format}, ${bits} bits): use 16-bit PCM, µ-law or A-law`);
  const bytesPerSample = kind === 'pcm16' ? 2 : 1;
  if (blockAlign !== channels * bytesPerSample) fail(`block align ${blockAlign} does not match ${channels} channel(s) of ${bits} bits`);
  // A trailing partial frame (some writers leave one) is dropped.
  const frames = Math.floor(data.length / blockAlign);
  const samples = new Int16Array(frames);
  const dataView = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const table = kind === 'ulaw' ? ULAW_TO_LINEAR : ALAW_TO_LINEAR;
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const at = f * blockAlign + c * bytesPerSample;
      sum += kind === 'pcm16' ? dataView.getInt16(at, true) : (table[data[at] as number] as number);
    }
    samples[f] = Math.round(sum / channels);
  }
  return { samples, sampleRate };
}
