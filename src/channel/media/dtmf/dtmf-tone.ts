import { ClaveError } from '../../../shared/index.ts';
import { dtmfFrequencies } from './keys.ts';

export interface DtmfToneOptions {
  /** Peak amplitude of each of the two sines (default 8000, about -12 dBFS each). */
  amplitude?: number;
  /** High-group level relative to the low group, in dB (default 0; negative = "normal twist"). */
  twistDb?: number;
  /** Multiplies both frequencies, e.g. 1.015 for a +1.5% off-nominal keypad. */
  frequencyScale?: number;
}

/**
 * Generates a DTMF key as 16-bit linear PCM: the sum of its row and column
 * sines (ITU-T Q.23). For tests and tools; the line itself never sends DTMF.
 *
 * @example
 *   const tone = dtmfTone('5', 100); // 800 samples of 770 Hz + 1336 Hz at 8 kHz
 */
export function dtmfTone(key: string, ms: number, sampleRate = 8000, options: DtmfToneOptions = {}): Int16Array {
  const freqs = dtmfFrequencies(key);
  if (!freqs) throw new ClaveError('INVALID_ARGUMENT', 'not a DTMF key', { field: 'key' });
  const amplitude = options.amplitude ?? 8000;
  const high = amplitude * 10 ** ((options.twistDb ?? 0) / 20);
  const scale = options.frequencyScale ?? 1;
  const w1 = (2 * Math.PI * freqs[0] * scale) / sampleRate;
  const w2 = (2 * Math.PI * freqs[1] * scale) / sampleRate;
  const out = new Int16Array(Math.round((ms * sampleRate) / 1000));
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.max(-32768, Math.min(32767, Math.round(amplitude * Math.sin(w1 * i) + high * Math.sin(w2 * i))));
  }
  return out;
}

/**
 * Joins pieces of audio end to end: tones, silences, clips.
 *
 * @example
 *   concatSamples(dtmfTone('1', 80), new Int16Array(640), dtmfTone('2', 80)); // "1", 80 ms gap, "2"
 */
export function concatSamples(...parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
