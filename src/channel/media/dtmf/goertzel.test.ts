import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeUlaw, encodeUlaw } from '../g711/mulaw.ts';
import { espeakAvailable, NO_SOX, NO_SPEECH, soxAvailable } from '../testing/tools.ts';
import { concatSamples as concat, dtmfTone } from './dtmf-tone.ts';
import { InbandDtmfDetector } from './goertzel.ts';
import { DTMF_KEYS } from './keys.ts';

const RATE = 8000;
const silence = (ms: number) => new Int16Array((ms * RATE) / 1000);

/** Deterministic white Gaussian noise (mulberry32 + Box-Muller). */
function noise(n: number, sigma: number, seed = 1): Int16Array {
  let state = seed >>> 0;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(sigma * Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand()));
  return out;
}

function addInto(signal: Int16Array, extra: Int16Array): Int16Array {
  const out = new Int16Array(signal.length);
  for (let i = 0; i < signal.length; i++) out[i] = Math.max(-32768, Math.min(32767, signal[i]! + (extra[i] ?? 0)));
  return out;
}

/** Feeds audio in 20 ms packets, as the RTP receiver will. */
function detect(audio: Int16Array, d = new InbandDtmfDetector(), packet = 160): string {
  let keys = '';
  for (let at = 0; at < audio.length; at += packet) keys += d.push(audio.subarray(at, at + packet)).join('');
  return keys;
}

/** A keyed sequence: each key held `onMs`, separated by `gapMs` of silence. */
function sequence(keys: string, onMs = 80, gapMs = 60, amplitude = 8000): Int16Array {
  return concat(silence(30), ...[...keys].flatMap((k) => [dtmfTone(k, onMs, RATE, { amplitude }), silence(gapMs)]));
}

describe('InbandDtmfDetector', () => {
  it('detects every key exactly once', () => {
    for (const key of DTMF_KEYS) expect(detect(sequence(key, 100))).toBe(key);
  });

  it('detects a dialled sequence, including repeated keys', () => {
    expect(detect(sequence('0123456789*#ABCD'))).toBe('0123456789*#ABCD');
    expect(detect(sequence('5511##'))).toBe('5511##');
  });

  it('detects every key in white noise at 15 dB SNR', () => {
    const keys = DTMF_KEYS.join('');
    const clean = sequence(keys, 80, 60);
    // Two tones of peak 8000: signal power 8000² = 6.4e7; noise σ² 15 dB below.
    const noisy = addInto(clean, noise(clean.length, Math.sqrt(6.4e7 / 10 ** 1.5), 7));
    expect(detect(noisy)).toBe(keys);
  });

  it('detects keys after a trip through G.711, at low level and with twist', () => {
    const audio = concat(
      dtmfTone('1', 60, RATE, { amplitude: 1000 }),
      silence(50),
      dtmfTone('9', 60, RATE, { amplitude: 6000, twistDb: -6 }),
      silence(50),
      dtmfTone('#', 60, RATE, { amplitude: 6000, twistDb: 3 }),
      silence(50),
      dtmfTone('D', 60, RATE, { amplitude: 6000, frequencyScale: 1.015 }),
      silence(50),
    );
    expect(detect(decodeUlaw(encodeUlaw(audio)))).toBe('19#D');
  });

  it('accepts a 40 ms press and rejects one of 24 ms or less, whatever the frame alignment', () => {
    for (let offset = 0; offset < 102; offset++) {
      const lead = new Int16Array(offset);
      expect(detect(concat(lead, dtmfTone('8', 40), silence(40)))).toBe('8');
      expect(detect(concat(lead, dtmfTone('8', 24), silence(40)))).toBe('');
      expect(detect(concat(lead, dtmfTone('8', 20), silence(40)))).toBe('');
    }
  });

  it('needs a gap between presses: a 10 ms drop-out is one press, a 40 ms gap is two', () => {
    for (let offset = 0; offset < 102; offset += 7) {
      const lead = new Int16Array(offset);
      expect(detect(concat(lead, dtmfTone('4', 80), silence(10), dtmfTone('4', 80), silence(40)))).toBe('4');
      expect(detect(concat(lead, dtmfTone('4', 80), silence(40), dtmfTone('4', 80), silence(40)))).toBe('44');
    }
  });

  it('reports a change of key without a gap as a new key', () => {
    expect(detect(concat(dtmfTone('2', 80), dtmfTone('3', 80), silence(40)))).toBe('23');
  });

  it('gives the same result whatever the packet size', () => {
    const audio = sequence('147*');
    for (const packet of [1, 80, 101, 160, 240, 4000]) expect(detect(audio, new InbandDtmfDetector(), packet)).toBe('147*');
  });

  it('stays silent on a single tone, dial tone, silence and noise', () => {
    const single = (f: number) => Int16Array.from({ length: 8000 }, (_, i) => Math.round(10000 * Math.sin((2 * Math.PI * f * i) / RATE)));
    expect(detect(single(697))).toBe('');
    expect(detect(single(1209))).toBe('');
    expect(detect(addInto(single(350), single(440)))).toBe('');
    expect(detect(silence(1000))).toBe('');
    expect(detect(noise(16000, 3000, 3))).toBe('');
  });

  it('stays silent on speech-like audio with formants in the DTMF bands', () => {
    // A vowel-like voice: harmonics of a pitch gliding 90-220 Hz, shaped by
    // formants at 700, 1220 and 2600 Hz (right over the row and column bands),
    // with a syllable-rate loudness envelope.
    const n = 3 * RATE;
    const out = new Int16Array(n);
    const formants = [
      [700, 90],
      [1220, 110],
      [2600, 160],
    ] as const;
    let phase = 0;
    for (let i = 0; i < n; i++) {
      const t = i / RATE;
      const f0 = 90 + 130 * (0.5 + 0.5 * Math.sin(2 * Math.PI * 0.7 * t));
      phase += (2 * Math.PI * f0) / RATE;
      let v = 0;
      for (let h = 1; h * f0 < 3800; h++) {
        const f = h * f0;
        const gain = formants.reduce((g, [fc, bw]) => g + 1 / (1 + ((f - fc) / bw) ** 2), 0.05);
        v += (gain / h ** 0.5) * Math.sin(h * phase);
      }
      out[i] = Math.round(3000 * v * (0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t)));
    }
    expect(detect(out)).toBe('');
  });

  it('stays silent on synthesised speech, and hears keys pressed over it', (ctx) => {
    ctx.skip(!espeakAvailable() || !soxAvailable(), NO_SPEECH);
    const wav = execFileSync('espeak-ng', ['--stdout', '-v', 'en', 'To unlock your access, press one. To order a new password, press two. Otherwise, stay on the line.']);
    const raw = execFileSync('sox', ['-t', 'wav', '-', '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed', '-L', '-t', 'raw', '-'], { input: wav });
    const speech = new Int16Array(raw.buffer, raw.byteOffset, raw.length >> 1);
    expect(speech.length).toBeGreaterThan(8000);
    expect(detect(speech)).toBe('');
    const loud = Int16Array.from(speech, (x) => Math.max(-32768, Math.min(32767, x * 3)));
    expect(detect(loud)).toBe('');
    // Barge-in: the caller presses keys while the prompt's echo comes back at -10 dB.
    const echo = Int16Array.from(speech, (x) => Math.round(x * 0.3));
    const keys = concat(silence(500), dtmfTone('1', 80), silence(300), dtmfTone('2', 80));
    expect(detect(addInto(echo, keys))).toBe('12');
  });

  it('decodes a tone file made by sox', (ctx) => {
    ctx.skip(!soxAvailable(), NO_SOX);
    const dir = mkdtempSync(path.join(tmpdir(), 'clave-dtmf-'));
    try {
      const file = path.join(dir, 'one.raw');
      execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed', file, 'synth', '0.1', 'sine', '697', 'sine', '1209']);
      const bytes = readFileSync(file);
      const samples = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
      expect(samples.length).toBe(800);
      expect(detect(concat(samples, silence(40)))).toBe('1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('dtmfTone', () => {
  it('makes the requested number of samples of the two sines', () => {
    const tone = dtmfTone('5', 100);
    expect(tone.length).toBe(800);
    expect(Math.max(...tone)).toBeGreaterThan(14_000);
    expect(Math.max(...tone)).toBeLessThanOrEqual(16_000);
    expect(dtmfTone('5', 20, 16000).length).toBe(320);
  });
});
