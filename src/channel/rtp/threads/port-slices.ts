/**
 * Splits an RTP port range into `n` disjoint slices of whole even/odd pairs
 * (RFC 3550 §11: RTP on an even port, RTCP on the next), one per media
 * worker, so workers bind without asking each other. Slices differ by at
 * most one pair; a slice with no pair is null (more workers than pairs).
 *
 * @example
 *   portSlices({ min: 20000, max: 29999 }, 2);
 *   // [{ min: 20000, max: 24999 }, { min: 25000, max: 29999 }]
 */
export function portSlices(range: { min: number; max: number }, n: number): ({ min: number; max: number } | null)[] {
  const first = range.min + (range.min % 2);
  const pairs = Math.max(0, Math.floor((range.max - first - 1) / 2) + 1);
  return Array.from({ length: n }, (_, i) => {
    const from = Math.floor((i * pairs) / n);
    const to = Math.floor(((i + 1) * pairs) / n);
    return to > from ? { min: first + 2 * from, max: first + 2 * to - 1 } : null;
  });
}
