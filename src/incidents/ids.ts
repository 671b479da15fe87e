import { randomBytes } from 'node:crypto';

/**
 * A short random id with a prefix that says what it names ("inc-3f9a0c21b7d4"):
 * short enough to type in `clave incident update ID`, 48 random bits.
 *
 * @example
 *   newId('inc'); // 'inc-3f9a0c21b7d4'
 */
export function newId(prefix: 'inc' | 'upd' | 'mnt' | 'alr' | 'rep'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}
