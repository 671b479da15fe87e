import { DTMF_COL_HZ, DTMF_ROW_HZ, KEYPAD, type DtmfKey } from './keys.ts';

/** The detector works on G.711's rate. */
export const INBAND_SAMPLE_RATE = 8000;
/**
 * Goertzel block length: 102 samples = 12.75 ms, long enough that a row tone
 * leaks into the next row's filter 22 dB down (rows are only 73-89 Hz apart).
 * Two banks of filters run half a block apart, so a verdict comes every
 * 51 samples (6.4 ms) and presses and gaps are timed finely.
 */
export const INBAND_FRAME = 102;
const HOP = INBAND_FRAME / 2;
/**
 * A key is reported after 4 consecutive verdicts agree. Four whole blocks fit
 * in any 38.25 ms of tone whatever its alignment, so a 40 ms press is always
 * heard; 24 ms or less never is (a block needs three quarters of its samples
 * in the tone). ITU-T Q.24 asks to operate at 40 ms and not under 23 ms.
 */
const MIN_ON_FRAMES = 4;
/**
 * Five key-less verdicts in a row (32 ms) end a press: a 40 ms gap always
 * gives that; a 10 ms drop-out spoils at most three blocks and is bridged.
 */
const MIN_OFF_FRAMES = 5;

/** Weakest tone accepted: about 400 peak (-38 dBFS, about -35 dBm0) per frequency. */
const MIN_TONE_AMPLITUDE = 400;
const MIN_POWER = ((MIN_TONE_AMPLITUDE * INBAND_FRAME) / 2) ** 2;
/** High group may be up to 8 dB weaker than the low group ("normal twist")… */
const NORMAL_TWIST = 10 ** (8 / 10);
/** …and up to 4 dB stronger ("reverse twist"). */
const REVERSE_TWIST = 10 ** (4 / 10);
/** The winning row (column) must beat every other row (column) by 8 dB. */
const RELATIVE_PEAK = 10 ** (8 / 10);
/**
 * Share of the block's energy the two tones must hold. For a clean tone pair
 * (P_row + P_col) / (E · N / 2) is about 1; speech spreads its energy over
 * many harmonics: vowels with formants on the DTMF bands peak near 0.66.
 */
const TONE_ENERGY_SHARE = 0.75;

const FREQS = [...DTMF_ROW_HZ, ...DTMF_COL_HZ];
const COEF = Float64Array.from(FREQS, (f) => 2 * Math.cos((2 * Math.PI * f) / INBAND_SAMPLE_RATE));
const C0 = COEF[0]!, C1 = COEF[1]!, C2 = COEF[2]!, C3 = COEF[3]!, C4 = COEF[4]!, C5 = COEF[5]!, C6 = COEF[6]!, C7 = COEF[7]!;

/** One bank's running state: s1 for the 8 filters, s2 for the 8 filters, Σx². */
const ENERGY = 16;

/**
 * In-band DTMF detection on 8 kHz linear PCM, for callers whose phone sends
 * keys as audio rather than RFC 4733 events: a Goertzel filter at each of the
 * eight DTMF frequencies over 102-sample blocks, a block accepted as a key
 * only with enough level, acceptable twist, a clear winner in each group and
 * most of the energy in the two tones; then a key is reported once per
 * press (present long enough, presses separated by a gap).
 *
 * Pure state, fed any number of samples at a time. The filters live in
 * locals in the per-sample loop: this runs on every received packet.
 *
 * @example
 *   const inband = new InbandDtmfDetector();
 *   for (const key of inband.push(decodeUlaw(p.payload))) input.digit(key);
 */
export class InbandDtmfDetector {
  readonly #bankA = new Float64Array(17);
  readonly #bankB = new Float64Array(17);
  readonly #power = new Float64Array(8);
  /** Samples in each bank's block so far; B starts half a block in. */
  #nA = 0;
  #nB = HOP;
  #frameKey: DtmfKey | null = null;
  #run = 0;
  #current: DtmfKey | null = null;
  #off = 0;

  /** Feeds samples; returns the keys whose press was recognised in them. */
  push(samples: Int16Array): string[] {
    const found: string[] = [];
    let i = 0;
    while (i < samples.length) {
      const end = Math.min(samples.length, i + INBAND_FRAME - Math.max(this.#nA, this.#nB));
      accumulate(this.#bankA, samples, i, end);
      accumulate(this.#bankB, samples, i, end);
      this.#nA += end - i;
      this.#nB += end - i;
      i = end;
      if (this.#nA === INBAND_FRAME) {
        this.#endFrame(this.#verdict(this.#bankA), found);
        this.#nA = 0;
      } else if (this.#nB === INBAND_FRAME) {
        this.#endFrame(this.#verdict(this.#bankB), found);
        this.#nB = 0;
      }
    }
    return found;
  }

  #verdict(bank: Float64Array): DtmfKey | null {
    const p = this.#power;
    for (let k = 0; k < 8; k++) {
      const a = bank[k]!;
      const b = bank[k + 8]!;
      p[k] = a * a + b * b - COEF[k]! * a * b;
    }
    const key = classifyFrame(p, bank[ENERGY]!);
    bank.fill(0);
    return key;
  }

  #endFrame(key: DtmfKey | null, found: string[]): void {
    // The gap is counted in consecutive verdicts without the key that is down.
    if (key !== null && key === this.#current) this.#off = 0;
    else if (++this.#off >= MIN_OFF_FRAMES) this.#current = null;
    if (key === null) {
      this.#frameKey = null;
      this.#run = 0;
      return;
    }
    this.#run = key === this.#frameKey ? this.#run + 1 : 1;
    this.#frameKey = key;
    // A key held on is the same press; a different key, even with no gap, is a new one.
    if (this.#run >= MIN_ON_FRAMES && key !== this.#current) {
      this.#current = key;
      this.#off = 0;
      found.push(key);
    }
  }
}

/** Runs one bank's 8 Goertzel filters and energy over samples[from, to). */
function accumulate(bank: Float64Array, samples: Int16Array, from: number, to: number): void {
  let a0 = bank[0]!, a1 = bank[1]!, a2 = bank[2]!, a3 = bank[3]!, a4 = bank[4]!, a5 = bank[5]!, a6 = bank[6]!, a7 = bank[7]!;
  let b0 = bank[8]!, b1 = bank[9]!, b2 = bank[10]!, b3 = bank[11]!, b4 = bank[12]!, b5 = bank[13]!, b6 = bank[14]!, b7 = bank[15]!;
  let energy = bank[ENERGY]!;
  for (let i = from; i < to; i++) {
    const x = samples[i]!;
    energy += x * x;
    let t: number;
    t = x + C0 * a0 - b0; b0 = a0; a0 = t;
    t = x + C1 * a1 - b1; b1 = a1; a1 = t;
    t = x + C2 * a2 - b2; b2 = a2; a2 = t;
    t = x + C3 * a3 - b3; b3 = a3; a3 = t;
    t = x + C4 * a4 - b4; b4 = a4; a4 = t;
    t = x + C5 * a5 - b5; b5 = a5; a5 = t;
    t = x + C6 * a6 - b6; b6 = a6; a6 = t;
    t = x + C7 * a7 - b7; b7 = a7; a7 = t;
  }
  bank[0] = a0; bank[1] = a1; bank[2] = a2; bank[3] = a3; bank[4] = a4; bank[5] = a5; bank[6] = a6; bank[7] = a7;
  bank[8] = b0; bank[9] = b1; bank[10] = b2; bank[11] = b3; bank[12] = b4; bank[13] = b5; bank[14] = b6; bank[15] = b7;
  bank[ENERGY] = energy;
}

/**
 * The key a frame's filter powers show, or null. `energy` is Σx² over the
 * frame; a pure sine of peak A gives a power of (A·N/2)² and energy A²·N/2.
 */
export function classifyFrame(power: Float64Array, energy: number): DtmfKey | null {
  let row = 0;
  for (let i = 1; i < 4; i++) if (power[i]! > power[row]!) row = i;
  let col = 4;
  for (let i = 5; i < 8; i++) if (power[i]! > power[col]!) col = i;
  const pr = power[row]!;
  const pc = power[col]!;
  if (pr < MIN_POWER || pc < MIN_POWER) return null;
  if (pc * NORMAL_TWIST < pr || pc > pr * REVERSE_TWIST) return null;
  for (let i = 0; i < 4; i++) if (i !== row && power[i]! * RELATIVE_PEAK > pr) return null;
  for (let i = 4; i < 8; i++) if (i !== col && power[i]! * RELATIVE_PEAK > pc) return null;
  if (pr + pc < (TONE_ENERGY_SHARE * energy * INBAND_FRAME) / 2) return null;
  return KEYPAD[row]![col - 4]!;
}
