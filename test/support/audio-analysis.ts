/**
 * Small measures that tell synthesised speech from silence, a steady tone
 * or noise, for black-box checks of what the line says. All on 8 kHz 16-bit
 * linear PCM.
 */

export const FRAME = 160; // 20 ms

/** Root mean square of each 20 ms frame. */
export function frameRms(samples: Int16Array, frame = FRAME): number[] {
  const out: number[] = [];
  for (let at = 0; at + frame <= samples.length; at += frame) {
    let sum = 0;
    for (let i = at; i < at + frame; i++) sum += samples[i]! * samples[i]!;
    out.push(Math.sqrt(sum / frame));
  }
  return out;
}

/**
 * The first stretch of sound: from the first frame over `threshold` to the
 * last loud frame before `quietFrames` quiet frames in a row (pauses between
 * words and sentences are shorter than that). Null if never loud, or if the
 * sound had not stopped by the end.
 */
export function firstUtterance(rms: number[], threshold: number, quietFrames: number): { start: number; end: number } | null {
  const start = rms.findIndex((r) => r >= threshold);
  if (start < 0) return null;
  let lastLoud = start;
  for (let i = start; i < rms.length; i++) {
    if (rms[i]! >= threshold) lastLoud = i;
    else if (i - lastLoud >= quietFrames) return { start, end: lastLoud + 1 };
  }
  return null;
}

/** Sign changes per sample: voiced speech ~0.02-0.2 at 8 kHz, white noise ~0.5. */
export function zeroCrossingRate(samples: Int16Array): number {
  let n = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]! >= 0 !== samples[i]! >= 0) n++;
  return n / Math.max(1, samples.length - 1);
}

/** Power spectrum of a 256-sample Hann window (bins 0..128, 31.25 Hz each). */
function powerSpectrum(samples: Int16Array, at: number, n = 256): Float64Array {
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) re[i] = samples[at + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  // Iterative radix-2 FFT.
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const xr = re[i + k + len / 2]! * wr - im[i + k + len / 2]! * wi;
        const xi = re[i + k + len / 2]! * wi + im[i + k + len / 2]! * wr;
        re[i + k + len / 2] = re[i + k]! - xr;
        im[i + k + len / 2] = im[i + k]! - xi;
        re[i + k] = re[i + k]! + xr;
        im[i + k] = im[i + k]! + xi;
      }
    }
  }
  const power = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) power[k] = re[k]! * re[k]! + im[k]! * im[k]!;
  return power;
}

export interface SpectralSummary {
  /** Median over loud windows of geometric / arithmetic mean of the spectrum (0 = one tone, ~0.5+ = white noise). */
  flatness: number;
  /** Share of the energy between 250 and 3500 Hz (telephone speech band). */
  speechBandShare: number;
  /** How many distinct strongest frequencies (to 125 Hz) the loud windows have: a tone has one or two, speech many. */
  distinctPeaks: number;
}

/** Spectral measures over the loud 256-sample windows of `samples`. */
export function spectralSummary(samples: Int16Array, loudRms: number): SpectralSummary {
  const flat: number[] = [];
  const peaks = new Set<number>();
  let inBand = 0;
  let total = 0;
  for (let at = 0; at + 256 <= samples.length; at += 128) {
    let e = 0;
    for (let i = at; i < at + 256; i++) e += samples[i]! * samples[i]!;
    if (Math.sqrt(e / 256) < loudRms) continue;
    const p = powerSpectrum(samples, at);
    let logSum = 0;
    let sum = 0;
    let best = 1;
    for (let k = 1; k < p.length; k++) {
      logSum += Math.log(p[k]! + 1e-9);
      sum += p[k]!;
      if (p[k]! > p[best]!) best = k;
      const hz = k * 31.25;
      total += p[k]!;
      if (hz >= 250 && hz <= 3500) inBand += p[k]!;
    }
    const count = p.length - 1;
    flat.push(Math.exp(logSum / count) / (sum / count));
    peaks.add(Math.round((best * 31.25) / 125));
  }
  flat.sort((a, b) => a - b);
  return { flatness: flat[Math.floor(flat.length / 2)] ?? 1, speechBandShare: total === 0 ? 0 : inBand / total, distinctPeaks: peaks.size };
}

/** Coefficient of variation of the loud frames' RMS: speech rises and falls by syllable, a tone or noise holds steady. */
export function envelopeVariation(rms: number[]): number {
  const mean = rms.reduce((a, b) => a + b, 0) / Math.max(1, rms.length);
  const variance = rms.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, rms.length);
  return mean === 0 ? 0 : Math.sqrt(variance) / mean;
}

export interface SpeechReport {
  durationMs: number;
  rms: number;
  zcr: number;
  flatness: number;
  speechBandShare: number;
  distinctPeaks: number;
  envelopeVariation: number;
}

/** All the measures over one utterance. */
export function measureSpeech(samples: Int16Array, threshold = 200): SpeechReport {
  const rms = frameRms(samples);
  const loud = rms.filter((r) => r >= threshold);
  let sum = 0;
  for (const s of samples) sum += s * s;
  const spectral = spectralSummary(samples, threshold);
  return {
    durationMs: (samples.length / 8000) * 1000,
    rms: Math.sqrt(sum / Math.max(1, samples.length)),
    zcr: zeroCrossingRate(samples),
    ...spectral,
    envelopeVariation: envelopeVariation(loud.length > 0 ? rms : []),
  };
}

/** Why `r` does not look like speech (empty when it does). Thresholds leave wide margins both ways. */
export function notSpeech(r: SpeechReport): string[] {
  const why: string[] = [];
  if (r.rms < 300) why.push(`too quiet (rms ${r.rms.toFixed(0)})`);
  if (r.zcr < 0.02 || r.zcr > 0.3) why.push(`zero-crossing rate ${r.zcr.toFixed(3)} outside speech's 0.02-0.3`);
  if (r.flatness > 0.3) why.push(`spectrum too flat (${r.flatness.toFixed(2)}): noise`);
  if (r.speechBandShare < 0.7) why.push(`only ${(100 * r.speechBandShare).toFixed(0)}% of the energy in 250-3500 Hz`);
  if (r.distinctPeaks < 6) why.push(`only ${r.distinctPeaks} distinct spectral peaks: a tone`);
  if (r.envelopeVariation < 0.4) why.push(`steady envelope (cv ${r.envelopeVariation.toFixed(2)})`);
  return why;
}
