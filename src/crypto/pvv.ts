import type { Sensitive } from '../shared/index.ts';
import { tdesEncryptBlock } from './tdes.ts';

/**
 * Visa PIN Verification Value. The transformed security parameter (TSP) is
 * the 11 rightmost PAN digits excluding the check digit, the PVKI (one digit)
 * and the 4 leftmost PIN digits; it is TDES-encrypted under the PVK and the
 * ciphertext's hex digits are decimalised: first the decimal digits left to
 * right, then (if fewer than 4) the A–F digits minus 10, left to right.
 *
 * As with any Visa PVV, only the first 4 PIN digits take part.
 *
 * @example
 *   computePvv('1122334455667788', new Sensitive('4524'), 1, pvk); // '8523' for pvk 0123…3210
 */
export function computePvv(pan: string, pin: Sensitive<string>, pvki: number, pvk: Buffer): string {
  if (!/^\d{12,19}$/.test(pan)) throw new RangeError('PAN must be 12 to 19 digits');
  if (!Number.isInteger(pvki) || pvki < 0 || pvki > 9) throw new RangeError('PVKI must be one digit (0-9)');
  const digits = pin.reveal();
  if (!/^\d{4,12}$/.test(digits)) throw new RangeError('PIN must be 4 to 12 digits');
  const tsp = Buffer.from(pan.slice(-12, -1) + String(pvki) + digits.slice(0, 4), 'hex');
  let cipher: Buffer | undefined;
  try {
    cipher = tdesEncryptBlock(pvk, tsp);
    return decimalise(cipher.toString('hex'));
  } finally {
    tsp.fill(0);
    cipher?.fill(0);
  }
}

function decimalise(hex: string): string {
  let out = '';
  for (const c of hex) {
    if (out.length === 4) return out;
    if (c >= '0' && c <= '9') out += c;
  }
  for (const c of hex) {
    if (out.length === 4) return out;
    if (c >= 'a' && c <= 'f') out += String(parseInt(c, 16) - 10);
  }
  return out;
}
