/**
 * DTMF keys and their RFC 4733 §3.2 event codes: 0-9 → '0'-'9', 10 → '*',
 * 11 → '#', 12-15 → 'A'-'D'.
 */
export type DtmfKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

export const DTMF_KEYS: readonly DtmfKey[] = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D']);

/** @example keyForEvent(11) // '#'; keyForEvent(16) // null (flash is not a key) */
export function keyForEvent(event: number): DtmfKey | null {
  return DTMF_KEYS[event] ?? null;
}

/** @example eventForKey('*') // 10; eventForKey('a') // 12 */
export function eventForKey(key: string): number | null {
  const i = DTMF_KEYS.indexOf(key.toUpperCase() as DtmfKey);
  return i < 0 ? null : i;
}

/** ITU-T Q.23 low-group (row) frequencies, Hz. */
export const DTMF_ROW_HZ: readonly number[] = Object.freeze([697, 770, 852, 941]);
/** ITU-T Q.23 high-group (column) frequencies, Hz. */
export const DTMF_COL_HZ: readonly number[] = Object.freeze([1209, 1336, 1477, 1633]);
/** The keypad, row by row: KEYPAD[row][col] sounds DTMF_ROW_HZ[row] + DTMF_COL_HZ[col]. */
export const KEYPAD: readonly (readonly DtmfKey[])[] = Object.freeze([
  Object.freeze(['1', '2', '3', 'A'] as const),
  Object.freeze(['4', '5', '6', 'B'] as const),
  Object.freeze(['7', '8', '9', 'C'] as const),
  Object.freeze(['*', '0', '#', 'D'] as const),
]);

/** @example dtmfFrequencies('5') // [770, 1336] */
export function dtmfFrequencies(key: string): [low: number, high: number] | null {
  const k = key.toUpperCase();
  for (let r = 0; r < 4; r++) {
    const c = KEYPAD[r]!.indexOf(k as DtmfKey);
    if (c >= 0) return [DTMF_ROW_HZ[r]!, DTMF_COL_HZ[c]!];
  }
  return null;
}
