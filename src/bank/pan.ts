import { createHash } from 'node:crypto';

/** A test BIN (no real issuer); synthetic PANs never reach a card network. */
export const TEST_BIN = '999001';

/**
 * The reference bank's stand-in for a card's full PAN, which the dataset does
 * not give: the test BIN, six digits derived from the customer id, and the
 * card's last 4, made Luhn-valid (ISO/IEC 7812-1 Annex B) by adjusting the
 * 12th digit (not doubled, since it sits at an odd position from the right).
 *
 * @example
 *   synthesisePan('CUS-0001', '4821'); // '999001' + 6 digits + '4821', Luhn-valid
 */
export function synthesisePan(customerId: string, last4: string): string {
  if (!/^\d{4}$/.test(last4)) throw new RangeError('last4 must be 4 digits');
  const hash = createHash('sha256').update(customerId, 'utf8').digest();
  let middle = '';
  for (let i = 0; i < 6; i++) middle += String((hash[i] ?? 0) % 10);
  const draft = TEST_BIN + middle + last4;
  const without = draft.slice(0, 11) + '0' + draft.slice(12);
  const fix = (10 - (luhnSum(without) % 10)) % 10;
  return draft.slice(0, 11) + String(fix) + draft.slice(12);
}

/** ISO/IEC 7812-1 Annex B check. */
export function luhnValid(pan: string): boolean {
  return /^\d{12,19}$/.test(pan) && luhnSum(pan) % 10 === 0;
}

function luhnSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}
