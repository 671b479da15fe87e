import { describe, expect, it } from 'vitest';
import { resample } from './resample.ts';

function sine(freq: number, rate: number, seconds: number, amplitude = 10_000): Int16Array {
  const out = new Int16Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
  return out;
}

/** RMS of the middle half, away from the filter's start-up and tail. */
function middleRms(s: Int16Array): number {
  const from = Math.floor(s.length / 4);
  const to = Math.floor((3 * s.length) / 4);
  let sum = 0;
  for (let i = from; i < to; i++) sum += (s[i] as number) ** 2;
  return Math.sqrt(sum / (to - from));
}

const db = (ratio: number) => 20 * Math.log10(ratio);

describe('resample', () => {
  it('scales the length by 8000/22050', () => {
    const input = new Int16Array(22050 * 2 + 7);
    expect(resample(input, 22050, 8000).length).toBe(Math.ceil(((22050 * 2 + 7) * 8000) / 22050));
    expect(resample(new Int16Array(44100), 44100, 8000).length).toBe(8000);
    expect(resample(new Int16Array(4800), 48000, 8000).length).toBe(800);
    expect(resample(new Int16Array(16000), 16000, 8000).length).toBe(8000);
  });

  it('keeps a 1 kHz sine at its amplitude and frequency', () => {
    const input = sine(1000, 22050, 1);
    const out = resample(input, 22050, 8000);
    expect(Math.abs(db(middleRms(out) / middleRms(input)))).toBeLessThan(0.1);
    // Still a 1 kHz tone: it matches a fresh 8 kHz sine sample by sample (phase included).
    const reference = sine(1000, 8000, 1);
    let maxError = 0;
    for (let i = 2000; i < 6000; i++) maxError = Math.max(maxError, Math.abs((out[i] as number) - (reference[i] as number)));
    expect(maxError).toBeLessThan(100);
  });

  it('passes 3 kHz, the top of the telephone band, within 1 dB', () => {
    const input = sine(3000, 22050, 1);
    expect(Math.abs(db(middleRms(resample(input, 22050, 8000)) / middleRms(input)))).toBeLessThan(1);
  });

  it('attenuates a 6 kHz sine (it would alias to 2 kHz) by more than 40 dB', () => {
    const input = sine(6000, 22050, 1);
    expect(db(middleRms(resample(input, 22050, 8000)) / middleRms(input))).toBeLessThan(-40);
  });

  it('attenuates 4.5 kHz and 10 kHz from 44.1 kHz input by more than 40 dB', () => {
    for (const freq of [4500, 10_000]) {
      const input = sine(freq, 44100, 0.5);
      expect(db(middleRms(resample(input, 44100, 8000)) / middleRms(input))).toBeLessThan(-40);
    }
  });

  it('upsamples without inventing energy above the input band', () => {
    const input = sine(1000, 6000, 1);
    const out = resample(input, 6000, 8000);
    expect(out.length).toBe(8000);
    expect(Math.abs(db(middleRms(out) / middleRms(input)))).toBeLessThan(0.1);
  });

  it('saturates instead of wrapping around on overshoot', () => {
    // A full-scale square wave rings above full scale after filtering (Gibbs).
    const input = new Int16Array(22050).map((_, i) => (Math.floor(i / 50) % 2 ? 32767 : -32768));
    const out = resample(input, 22050, 8000);
    expect(Math.max(...out)).toBe(32767);
    expect(Math.min(...out)).toBe(-32768);
  });

  it('returns a copy at equal rates and refuses absurd rates', () => {
    const input = new Int16Array([1, 2, 3]);
    const out = resample(input, 8000, 8000);
    expect([...out]).toEqual([1, 2, 3]);
    expect(out).not.toBe(input);
    expect(() => resample(input, 0, 8000)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => resample(input, 22050.5, 8000)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
