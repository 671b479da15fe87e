/**
 * Synthetic traffic for replaying days through the detector: the model's
 * tests (the false-alarm rate on replayed normal days) and the surge
 * benchmark's baseline draw calls per minute with these, so both replay the
 * same kind of day, and the same day for the same seed.
 */

/**
 * A small deterministic generator (mulberry32): numbers in [0, 1), the same
 * sequence for the same seed.
 *
 * @example
 *   const random = seededRandom(0x5eed);
 *   random(); // 0.…, the same on every run
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * A Poisson draw with mean `mean` (Knuth's method: fine for the small means
 * of calls per minute).
 *
 * @example
 *   poisson(6, seededRandom(1)); // calls in one minute of a line that takes 6 a minute
 */
export function poisson(mean: number, random: () => number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}
