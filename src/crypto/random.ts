import { randomInt } from 'node:crypto';

// Look-alikes left out: 0/O/o, 1/l/I/i.
const DIGITS = '23456789';
const LOWER = 'abcdefghjkmnpqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const ALL = DIGITS + LOWER + UPPER;

/**
 * `n` uniformly random decimal digits (for codes and keys read out on a
 * phone). Wrap the result in Sensitive at once when it is a secret.
 *
 * @example
 *   randomDigits(8); // e.g. '40271953'
 */
export function randomDigits(n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('randomDigits needs a positive length');
  let out = '';
  for (let i = 0; i < n; i++) out += String(randomInt(10));
  return out;
}

/**
 * A random password with no look-alike characters, holding at least one
 * digit, one lower-case and one upper-case letter. Wrap the result in
 * Sensitive at once.
 *
 * @example
 *   randomPassword(10); // e.g. 'hT4kqzR8mw'
 */
export function randomPassword(length: number): string {
  if (!Number.isInteger(length) || length < 3) throw new RangeError('randomPassword needs a length of at least 3');
  const chars = [pick(DIGITS), pick(LOWER), pick(UPPER)];
  while (chars.length < length) chars.push(pick(ALL));
  // Fisher–Yates, so the guaranteed classes sit at random positions.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    const t = chars[i] as string;
    chars[i] = chars[j] as string;
    chars[j] = t;
  }
  return chars.join('');
}

function pick(alphabet: string): string {
  return alphabet.charAt(randomInt(alphabet.length));
}
