import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Sensitive } from '../shared/index.ts';

/**
 * HMAC-SHA256 (RFC 2104) of a short secret under a key, as lowercase hex.
 * Short codes (6–8 digits) fall to an offline brute force when hashed
 * plainly; keyed, the attacker also needs the key. `context` separates uses
 * (e.g. "unlock:40718253"), so a code hashed for one purpose never matches
 * another.
 *
 * @example
 *   const h = keyedHash(key, new Sensitive('482913'), 'unlock:40718253'); // 64 hex chars
 */
export function keyedHash(key: Buffer, secret: Sensitive<string>, context = ''): string {
  if (key.length < 16) throw new RangeError('keyed-hash key must be at least 16 bytes');
  const data = Buffer.from(`${context}\u0000${secret.reveal()}`, 'utf8');
  try {
    return createHmac('sha256', key).update(data).digest('hex');
  } finally {
    data.fill(0);
  }
}

/**
 * Compares two hashes in constant time (for equal lengths); different
 * lengths answer false.
 *
 * @example
 *   hashesEqual(stored, keyedHash(key, typed, context)); // true when the code matches
 */
export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) {
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

/**
 * Whether `secret` hashes to `expected` under `key` and `context`.
 *
 * @example
 *   verifyKeyedHash(key, new Sensitive('482913'), 'unlock:40718253', stored); // true
 */
export function verifyKeyedHash(key: Buffer, secret: Sensitive<string>, context: string, expected: string): boolean {
  return hashesEqual(keyedHash(key, secret, context), expected);
}
