/**
 * Spanish identity documents as keyed on a phone pad. The caller keys only
 * digits; the control letter is computed here (Real Decreto 1553/2005, art.
 * 11, and Orden INT/2058/2008 for the NIE): letter = TABLE[number mod 23].
 */
const CONTROL_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** NIE initial letter by the key that stands for it (0 = X, 1 = Y, 2 = Z), and back. */
const NIE_LETTER_BY_KEY: Readonly<Record<string, string>> = { '0': 'X', '1': 'Y', '2': 'Z' };
const NIE_KEY_BY_LETTER: Readonly<Record<string, string>> = { X: '0', Y: '1', Z: '2' };

function controlLetter(digits: string): string {
  // An 8-digit number is below 2^53, so plain number arithmetic is exact.
  return CONTROL_LETTERS.charAt(Number(digits) % 23);
}

/**
 * The full DNI from its 8 keyed digits, or null when they are not 8 digits.
 *
 * @example
 *   dniFromDigits('12345678'); // '12345678Z'
 *   dniFromDigits('1234567');  // null
 */
export function dniFromDigits(digits: string): string | null {
  if (!/^\d{8}$/.test(digits)) return null;
  return digits + controlLetter(digits);
}

/**
 * The full NIE from the key standing for its initial letter and its 7 digits,
 * or null when either is invalid. The control letter is computed over the
 * number with X, Y, Z replaced by 0, 1, 2.
 *
 * @example
 *   nieFromKeys('0', '1234567'); // 'X1234567L'
 *   nieFromKeys('3', '1234567'); // null
 */
export function nieFromKeys(prefixKey: string, digits7: string): string | null {
  const letter = NIE_LETTER_BY_KEY[prefixKey];
  if (letter === undefined || !/^\d{7}$/.test(digits7)) return null;
  return letter + digits7 + controlLetter(prefixKey + digits7);
}

/**
 * Upper case, without the spaces, dots and dashes people write documents with.
 *
 * @example
 *   normaliseDocumentNumber(' x-1234567-l '); // 'X1234567L'
 */
export function normaliseDocumentNumber(raw: string): string {
  return raw.toUpperCase().replace(/[\s.-]/g, '');
}

/**
 * Whether `value` (normalised) is a DNI with the right control letter.
 *
 * @example
 *   isValidDni('12345678Z'); // true
 *   isValidDni('12345678A'); // false
 */
export function isValidDni(value: string): boolean {
  const m = /^(\d{8})([A-Z])$/.exec(value);
  return m !== null && dniFromDigits(m[1] ?? '') === value;
}

/**
 * Whether `value` (normalised) is a NIE with the right control letter.
 *
 * @example
 *   isValidNie('X1234567L'); // true
 *   isValidNie('X1234567A'); // false
 */
export function isValidNie(value: string): boolean {
  const m = /^([XYZ])(\d{7})([A-Z])$/.exec(value);
  if (m === null) return false;
  const key = NIE_KEY_BY_LETTER[m[1] ?? ''];
  return key !== undefined && nieFromKeys(key, m[2] ?? '') === value;
}
