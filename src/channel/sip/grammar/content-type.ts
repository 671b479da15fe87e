import { isToken } from './lexical.ts';
import { orThrow } from './malformed.ts';
import { tryParseParams, type Params } from './params.ts';

export interface ContentType {
  /** Lower-cased, e.g. 'application'. */
  type: string;
  /** Lower-cased, e.g. 'sdp'. */
  subtype: string;
  /** `type/subtype`, for comparisons: 'application/sdp'. */
  mediaType: string;
  /** Names lower-cased, values as written (see unquote). */
  params: Params;
}

/**
 * Parses a Content-Type value, or one media-range of Accept (a `*` is a
 * token character, so `application/*` parses too).
 *
 *   Content-Type  =  ( "Content-Type" / "c" ) HCOLON media-type
 *   media-type    =  m-type SLASH m-subtype *(SEMI m-parameter)
 *   m-parameter   =  m-attribute EQUAL m-value
 *   m-value       =  token / quoted-string
 *
 * @example
 *   tryParseContentType('multipart/mixed;boundary=7a9cbec02ceef655');
 *   // { type: 'multipart', subtype: 'mixed', mediaType: 'multipart/mixed', params: { boundary: '7a9cbec02ceef655' } }
 */
export function tryParseContentType(value: string): ContentType | null {
  const semi = value.indexOf(';');
  const head = (semi === -1 ? value : value.slice(0, semi)).trim();
  const m = /^([^\s/]+)\s*\/\s*([^\s/]+)$/.exec(head);
  if (m === null) return null;
  const [, type = '', subtype = ''] = m;
  if (!isToken(type) || !isToken(subtype)) return null;
  const params = tryParseParams(semi === -1 ? '' : value.slice(semi));
  if (params === null) return null;
  const t = type.toLowerCase();
  const s = subtype.toLowerCase();
  return { type: t, subtype: s, mediaType: `${t}/${s}`, params };
}

/**
 * tryParseContentType that throws ClaveError MALFORMED_SIP instead of returning null.
 *
 * @example
 *   parseContentType('application/SDP').mediaType; // 'application/sdp'
 */
export function parseContentType(value: string): ContentType {
  return orThrow(tryParseContentType(value), 'Content-Type');
}
