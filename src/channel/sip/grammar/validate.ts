import { tryParseCSeq } from './cseq.ts';
import { headerKey } from './header-names.ts';
import { getHeaders } from './headers.ts';
import type { SipHeader } from './message.ts';
import { tryParseNameAddr } from './name-addr.ts';
import type { SipParseError } from './parse-error.ts';
import { tryParseVia } from './via.ts';

type Problem = Pick<SipParseError, 'code' | 'message' | 'header'>;

const CALL_ID = /^\S+$/;

/**
 * Checks the headers every transaction and every answer rests on: Via, From,
 * To, Call-ID and CSeq, which a UAS copies into its responses (RFC 3261
 * §8.2.6.2) and matches requests by (§17.2.3). Other headers are left to
 * whoever reads them, so an odd Contact or Date (RFC 4475 regbadct, baddate)
 * does not cost the whole message.
 *
 * RFC 3261 §8.1.1: "A valid SIP request formulated by a UAC MUST, at a
 * minimum, contain the following header fields: To, From, CSeq, Call-ID,
 * Max-Forwards, and Via". Max-Forwards is not required here: a UAS has no use
 * for it, and RFC 2543 peers omit it (RFC 4475 inv2543).
 *
 * RFC 3261 §8.1.1.5: "The method MUST match that of the request."
 *
 * @example
 *   checkCoreHeaders([['Via', 'SIP/2.0/UDP h;branch=z9hG4bK1']], 'OPTIONS');
 *   // { code: 'MISSING_HEADER', header: 'From', … }
 */
export function checkCoreHeaders(headers: SipHeader[], method: string | null): Problem | null {
  const msg = { headers };
  const rows = (name: string): SipHeader[] => headers.filter(([n]) => headerKey(n) === name.toLowerCase());
  if (rows('Via').length === 0) return missing('Via');
  for (const via of getHeaders(msg, 'Via')) if (tryParseVia(via) === null) return bad('BAD_HEADER', 'Via', 'a Via value is malformed');
  if (rows('Via').some(([, v]) => v === '')) return bad('BAD_HEADER', 'Via', 'a Via row is empty');
  for (const name of ['From', 'To', 'Call-ID', 'CSeq']) {
    const found = rows(name);
    if (found.length === 0) return missing(name);
    if (found.length > 1) return bad('DUPLICATE_HEADER', name, `${name} appears ${found.length} times`);
  }
  for (const name of ['From', 'To']) {
    if (tryParseNameAddr(getHeader1(msg, name)) === null) return bad('BAD_HEADER', name, `${name} is not a name-addr`);
  }
  if (!CALL_ID.test(getHeader1(msg, 'Call-ID'))) return bad('BAD_HEADER', 'Call-ID', 'Call-ID is empty or holds whitespace');
  const cseq = tryParseCSeq(getHeader1(msg, 'CSeq'));
  if (cseq === null) return bad('BAD_CSEQ', 'CSeq', 'CSeq is not a 32-bit number and a method');
  if (method !== null && cseq.method !== method) return bad('CSEQ_METHOD_MISMATCH', 'CSeq', 'the CSeq method differs from the request method');
  return null;
}

function getHeader1(msg: { headers: SipHeader[] }, name: string): string {
  return getHeaders(msg, name)[0] ?? '';
}

function missing(header: string): Problem {
  return { code: 'MISSING_HEADER', header, message: `no ${header} header` };
}

function bad(code: Problem['code'], header: string, message: string): Problem {
  return { code, header, message };
}
