/**
 * Coarse measures that tell speech from silence, clipping and noise, for the
 * synthesis tests: the tests cannot listen, but they can check that what
 * espeak returned has the shape of a voice saying a short sentence.
 */
export interface AudioMetrics {
  seconds: number;
  /** RMS level in dB relative to full scale. */
  rmsDbfs: number;
  /** Share of samples at full scale. */
  clipped: number;
  /** Sign changes per sample: ~0.5 for white noise, far less for voiced speech. */
  zeroCrossingRate: number;
  /** Coefficient of variation of 20 ms frame energies: syllables and pauses make it large. */
  envelopeVariation: number;
  /** Mean spectral flatness (Wiener entropy) of the loud frames: ~0.56 for white noise, low for speech. */
  spectralFlatness: number;
}

export function measure(samples: Int16Array, sampleRate: number): AudioMetrics {
  let sumSquares = 0;
  let clipped = 0;
  let crossings = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as number;
    sumSquares += s * s;
    if (s >= 32767 || s <= -32768) clipped++;
    if (i > 0 && (s >= 0) !== ((samples[i - 1] as number) >= 0)) crossings++;
  }
  const frame = Math.round(sampleRate * 0.02);
  const energies: number[] = [];
  for (let at = 0; at + frame <= samples.length; at += frame) {
    let e = 0;
    for (let i = at; i < at + frame; i++) e += (samples[i] as number) ** 2;
    energies.push(e / frame);
  }
  const mean = energies.reduce((a, b) => a + b, 0) / Math.max(1, energies.length);
  const sd = Math.sqrt(energies.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, energies.length));
  return {
    seconds: samples.length / sampleRate,
    rmsDbfs: 20 * Math.log10(Math.sqrt(sumSquares / Math.max(1, samples.length)) / 32768),
    clipped: clipped / Math.max(1, samples.length),
    zeroCrossingRate: crossings / Math.max(1, samples.length - 1),
    envelopeVariation: mean > 0 ? sd / mean : 0,
    spectralFlatness: flatness(samples, energies, frame, mean),
  };
}

const N = 256;
const HANN = Float64Array.from({ length: N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N));
const COS = Float64Array.from({ length: N }, (_, i) => Math.cos((2 * Math.PI * i) / N));
const SIN = Float64Array.from({ length: N }, (_, i) => Math.sin((2 * Math.PI * i) / N));

function flatness(samples: Int16Array, energies: number[], frame: number, meanEnergy: number): number {
  const values: number[] = [];
  const x = new Float64Array(N);
  energies.forEach((e, index) => {
    const at = index * frame;
    if (e < meanEnergy * 0.5 || at + N > samples.length) return;
    for (let i = 0; i < N; i++) x[i] = (samples[at + i] as number) * (HANN[i] as number);
    let logSum = 0;
    let sum = 0;
    // Plain DFT of a Hann-windowed frame: a few dozen frames, no FFT needed.
    for (let k = 1; k < N / 2; k++) {
      let re = 0;
      let im = 0;
      for (let i = 0; i < N; i++) {
        const t = (k * i) % N;
        re += (x[i] as number) * (COS[t] as number);
        im -= (x[i] as number) * (SIN[t] as number);
      }
      const power = re * re + im * im + 1e-9;
      logSum += Math.log(power);
      sum += power;
    }
    const bins = N / 2 - 1;
    values.push(Math.exp(logSum / bins) / (sum / bins));
  });
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

/** Deterministic white noise, as the counter-example speech must not resemble. */
export function whiteNoise(length: number, amplitude = 8000): Int16Array {
  let seed = 12345;
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out[i] = Math.round(((seed / 0x7fffffff) * 2 - 1) * amplitude);
  }
  return out;
}
