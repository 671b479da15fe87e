import { isToken } from './lexical.ts';
import { orThrow } from './malformed.ts';

export interface CSeq {
  seq: number;
  method: string;
}

const MAX_SEQ = 0xffff_ffff;

/**
 *   CSeq  =  "CSeq" HCOLON 1*DIGIT LWS Method
 *
 * RFC 3261 §20.16: "The sequence number MUST be expressible as a 32-bit
 * unsigned integer." A larger number (RFC 4475 scalar02) gives null, as does
 * anything that is not a number and a method.
 *
 * @example
 *   tryParseCSeq('0009 INVITE');                   // { seq: 9, method: 'INVITE' }
 *   tryParseCSeq('36893488147419103232 REGISTER'); // null
 */
export function tryParseCSeq(value: string): CSeq | null {
  const m = /^(\d+)[ \t]+(\S+)$/.exec(value.trim());
  if (m === null) return null;
  const [, digits = '', method = ''] = m;
  if (!isToken(method)) return null;
  const significant = digits.replace(/^0+(?=\d)/, '');
  if (significant.length > 10) return null;
  const seq = Number(significant);
  return seq <= MAX_SEQ ? { seq, method } : null;
}

/**
 * tryParseCSeq that throws ClaveError MALFORMED_SIP instead of returning null.
 *
 * @example
 *   parseCSeq('314159 INVITE').seq; // 314159
 */
export function parseCSeq(value: string): CSeq {
  return orThrow(tryParseCSeq(value), 'CSeq');
}
