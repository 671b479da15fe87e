import type { DocumentType } from './port.ts';

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
const CIF_LETTERS = 'JABCDEFGHI';

/**
 * Why a Spanish identity document number is invalid, or null when it is
 * valid. DNI and NIE control letters follow the Ministry of the Interior's
 * mod-23 rule (Orden INT/2058/2008 for NIE: X=0, Y=1, Z=2); CIF control
 * characters follow Orden EHA/451/2008.
 *
 * @example
 *   documentProblem('DNI', '12345678Z'); // null
 *   documentProblem('DNI', '12345678A'); // 'control letter should be Z'
 */
export function documentProblem(type: DocumentType, number: string): string | null {
  switch (type) {
    case 'DNI': {
      const m = /^(\d{8})([A-Z])$/.exec(number);
      if (!m) return 'must be 8 digits and a letter';
      const expected = DNI_LETTERS[Number(m[1]) % 23];
      return m[2] === expected ? null : `control letter should be ${expected}`;
    }
    case 'NIE': {
      const m = /^([XYZ])(\d{7})([A-Z])$/.exec(number);
      if (!m) return 'must be X, Y or Z, 7 digits and a letter';
      const expected = DNI_LETTERS[Number(String('XYZ'.indexOf(m[1] ?? '')) + m[2]) % 23];
      return m[3] === expected ? null : `control letter should be ${expected}`;
    }
    case 'CIF':
      return cifProblem(number);
    case 'PASSPORT':
      return /^[A-Z0-9]{5,20}$/.test(number) ? null : 'must be 5 to 20 letters or digits';
  }
}

function cifProblem(number: string): string | null {
  const m = /^([ABCDEFGHJNPQRSUVW])(\d{7})([0-9A-J])$/.exec(number);
  if (!m) return 'must be a letter, 7 digits and a control character';
  const [, letter = '', digits = '', control = ''] = m;
  let sum = 0;
  for (let i = 0; i < 7; i++) {
    const d = Number(digits[i]);
    if (i % 2 === 1) sum += d;
    else sum += Math.floor((d * 2) / 10) + ((d * 2) % 10);
  }
  const c = (10 - (sum % 10)) % 10;
  const asDigit = String(c);
  const asLetter = CIF_LETTERS[c] ?? '';
  // Organisations of these kinds carry a letter, those of A/B/E/H a digit, the rest either.
  const ok = 'NPQRSW'.includes(letter) ? control === asLetter : 'ABEH'.includes(letter) ? control === asDigit : control === asDigit || control === asLetter;
  return ok ? null : 'control character does not match';
}
