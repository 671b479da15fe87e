import { ClaveError } from '../../../shared/index.ts';

/**
 * The throwing form of a try-parser: a value that does not parse is an
 * expected condition with a stable code, MALFORMED_SIP, naming what was read.
 *
 * @example
 *   orThrow(tryParseCSeq('x INVITE'), 'CSeq'); // throws ClaveError MALFORMED_SIP { header: 'CSeq' }
 */
export function orThrow<T>(value: T | null, what: string): T {
  if (value === null) throw new ClaveError('MALFORMED_SIP', `malformed ${what}`, { header: what });
  return value;
}
