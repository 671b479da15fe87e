import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Sensitive } from '../shared/index.ts';

// RFC 7914 §2 parameters; N = 2^15 is OWASP's scrypt floor for interactive logins.
const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, params, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Hashes a long-term password with scrypt: `scrypt$N$r$p$salt$hash` (base64).
 *
 * @example
 *   const stored = await hashPassword(new Sensitive('correct horse'));
 *   await verifyPassword(new Sensitive('correct horse'), stored); // true
 */
export async function hashPassword(password: Sensitive<string>): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password.reveal(), salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/**
 * Whether `password` matches a stored hash. With no hash (`null`) it still
 * does the work of one check, so an unknown user takes as long as a known one.
 */
export async function verifyPassword(password: Sensitive<string>, stored: string | null): Promise<boolean> {
  const parts = stored?.split('$') ?? [];
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    await derive(password.reveal(), randomBytes(16), PARAMS);
    return false;
  }
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password.reveal(), Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
