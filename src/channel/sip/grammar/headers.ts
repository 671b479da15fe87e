import { headerKey, isListHeader } from './header-names.ts';
import { splitTopLevel } from './lexical.ts';
import type { SipHeader } from './message.ts';

/** Anything with header rows: a parsed message, or the request of a parse error. */
export interface HasHeaders {
  readonly headers: readonly SipHeader[];
}

/**
 * Every value of a header, in order, whatever its spelling (compact form,
 * case). A list header (Via, Contact, Route, Allow, Supported…) is also split
 * at its top-level commas, so `Via: a, b` and two Via rows read the same
 * (RFC 3261 §7.3.1); an empty list row gives no value, an empty element gives
 * ''. Other headers give one value per row.
 *
 * @example
 *   const msg = { headers: [['v', 'SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/TCP b'], ['Via', 'SIP/2.0/UDP c'], ['i', 'x@y']] };
 *   getHeaders(msg, 'Via');     // ['SIP/2.0/UDP a;branch=z9hG4bK1', 'SIP/2.0/TCP b', 'SIP/2.0/UDP c']
 *   getHeaders(msg, 'call-id'); // ['x@y']
 */
export function getHeaders(msg: HasHeaders, name: string): string[] {
  const key = headerKey(name);
  const list = isListHeader(key);
  const values: string[] = [];
  for (const [n, v] of msg.headers) {
    if (headerKey(n) !== key) continue;
    if (!list) values.push(v);
    else if (v !== '') values.push(...splitTopLevel(v, ','));
  }
  return values;
}

/**
 * The first value of a header (the topmost Via, the Call-ID…), or undefined.
 *
 * @example
 *   getHeader(msg, 'cseq'); // '314159 INVITE'
 */
export function getHeader(msg: HasHeaders, name: string): string | undefined {
  return getHeaders(msg, name)[0];
}

/**
 * The elements of a token list (Require, Supported, Proxy-Require,
 * Unsupported, Allow, Accept, Allow-Events), without parameters and empty
 * elements; spelling kept, as option tags and methods are case-sensitive.
 *
 * @example
 *   getTokenList(msg, 'Require'); // ['nothingSupportsThis', 'nothingSupportsThisEither']
 *   getTokenList(msg, 'Accept');  // ['application/sdp', 'multipart/mixed']
 */
export function getTokenList(msg: HasHeaders, name: string): string[] {
  return getHeaders(msg, name)
    .map((v) => (splitTopLevel(v, ';')[0] ?? '').trim())
    .filter((v) => v !== '');
}
