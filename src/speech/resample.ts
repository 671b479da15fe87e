import { ClaveError } from '../shared/index.ts';

/**
 * Band-limited rational resampler (polyphase windowed sinc, the scheme of
 * scipy's `resample_poly`): upsample by L, low-pass, downsample by M, but
 * computing only the output samples. The low-pass sits below the lower
 * Nyquist frequency, so espeak's 22 050 Hz speech loses everything above
 * ~3.8 kHz instead of folding it back into the telephone band as aliases.
 *
 * @example
 *   const pcm8k = resample(pcm22k, 22050, 8000); // length ≈ pcm22k.length * 8000 / 22050
 */
export function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  for (const rate of [fromRate, toRate]) {
    if (!Number.isInteger(rate) || rate < 1000 || rate > 384_000) {
      throw new ClaveError('INVALID_ARGUMENT', `sample rate ${rate} Hz is not supported`, { rate });
    }
  }
  if (fromRate === toRate) return input.slice();
  const bank = filterBank(fromRate, toRate);
  const { up: L, down: M, phases, delay } = bank;
  const outLength = Math.ceil((input.length * L) / M);
  const out = new Int16Array(outLength);
  for (let n = 0; n < outLength; n++) {
    // Position of this output on the upsampled grid, shifted by the filter's
    // group delay so the output lines up with the input in time.
    const t = n * M + delay;
    const taps = phases[t % L] as Float64Array;
    let i = Math.floor(t / L);
    let acc = 0;
    for (let k = 0; k < taps.length; k++, i--) {
      if (i < 0) break;
      if (i < input.length) acc += (taps[k] as number) * (input[i] as number);
    }
    out[n] = acc >= 32767 ? 32767 : acc <= -32768 ? -32768 : Math.round(acc);
  }
  return out;
}

/** Zero crossings of the prototype sinc on each side, counted at the lower rate. */
const ZERO_CROSSINGS = 16;
/** Cut-off as a fraction of the lower Nyquist frequency: 3.8 kHz for an 8 kHz output. */
const CUTOFF = 0.95;
/** Kaiser window β: about 80 dB of stop-band attenuation. */
const KAISER_BETA = 8;

interface FilterBank {
  up: number;
  down: number;
  /** phases[p][k] = h[p + k·L] · L: the taps applied to input[i - k]. */
  phases: Float64Array[];
  delay: number;
}

const banks = new Map<string, FilterBank>();

function filterBank(fromRate: number, toRate: number): FilterBank {
  const key = `${fromRate}/${toRate}`;
  const cached = banks.get(key);
  if (cached) return cached;
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  const widest = Math.max(up, down);
  const length = 2 * ZERO_CROSSINGS * widest + 1;
  const centre = (length - 1) / 2;
  // Cut-off in cycles per sample of the upsampled grid.
  const fc = (CUTOFF * 0.5) / widest;
  const h = new Float64Array(length);
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const x = i - centre;
    const sinc = x === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * x) / (Math.PI * x);
    h[i] = sinc * kaiser(x / centre, KAISER_BETA);
    sum += h[i] as number;
  }
  // Unity gain at DC after zero-stuffing by `up`.
  const scale = up / sum;
  const phases: Float64Array[] = [];
  for (let p = 0; p < up; p++) {
    const taps = new Float64Array(Math.ceil((length - p) / up));
    for (let k = 0; k < taps.length; k++) taps[k] = (h[p + k * up] as number) * scale;
    phases.push(taps);
  }
  const bank = { up, down, phases, delay: centre };
  banks.set(key, bank);
  return bank;
}

/** Kaiser window at x ∈ [-1, 1]. */
function kaiser(x: number, beta: number): number {
  return besselI0(beta * Math.sqrt(Math.max(0, 1 - x * x))) / besselI0(beta);
}

/** Modified Bessel function of the first kind, order 0 (power series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
