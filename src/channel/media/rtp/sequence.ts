/**
 * Wrap-around arithmetic for RTP's 16-bit sequence numbers and 32-bit
 * timestamps (RFC 3550 §5.1: both start at random values and wrap). Ordering
 * follows serial-number arithmetic (RFC 1982): `a` is newer than `b` when the
 * forward distance from `b` to `a` is under half the number space.
 */

/**
 * Signed distance from `b` to `a`, in [-32768, 32767].
 *
 * @example
 *   seqDiff(2, 65534); // 4 (wrapped)
 *   seqDiff(65534, 2); // -4
 */
export function seqDiff(a: number, b: number): number {
  return (((a - b) & 0xffff) << 16) >> 16;
}

/** True when `a` comes after `b`. @example seqNewer(0, 65535) // true */
export function seqNewer(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

/** `s + n` modulo 2^16. @example seqAdd(65535, 1) // 0 */
export function seqAdd(s: number, n: number): number {
  return (s + n) & 0xffff;
}

/**
 * Signed distance from `b` to `a` in timestamp units, in [-2^31, 2^31).
 *
 * @example
 *   tsDiff(80, 0xffffffb0); // 160 (wrapped)
 */
export function tsDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** True when timestamp `a` comes after `b`. */
export function tsNewer(a: number, b: number): boolean {
  return tsDiff(a, b) > 0;
}

/** `ts + n` modulo 2^32, as an unsigned number. @example tsAdd(0xffffffff, 161) // 160 */
export function tsAdd(ts: number, n: number): number {
  return (ts + n) >>> 0;
}
