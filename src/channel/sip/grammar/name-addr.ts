import { isToken, readQuoted } from './lexical.ts';
import type { NameAddr } from './message.ts';
import { orThrow } from './malformed.ts';
import { formatParams, tryParseParams } from './params.ts';
import { formatUri, tryParseUri } from './uri.ts';

/**
 * Parses the value of From, To, Contact (one entry), Route, Refer-To and
 * other name-addr headers.
 *
 *   from-spec    =  ( name-addr / addr-spec ) *( SEMI from-param )
 *   name-addr    =  [ display-name ] LAQUOT addr-spec RAQUOT
 *   addr-spec    =  SIP-URI / SIPS-URI / absoluteURI
 *   display-name =  *(token LWS)/ quoted-string
 *
 * RFC 3261 §20: "If the URI is not enclosed in angle brackets, any
 * semicolon-delimited parameters are header-parameters, not URI parameters."
 *
 * Liberal where RFC 4475 lets a receiver be (§3.1.2.15 badaspec, §3.1.2.16
 * baddn): spaces inside the angle brackets are ignored, and an unquoted
 * display name may hold any character but a quote. An unbalanced quote
 * (quotbal) is refused. Returns null when the value is not a name-addr.
 *
 * @example
 *   tryParseNameAddr('"J Rosenberg \\\\\\"" <sip:jdrosen@example.com> ; tag = 98asjd8');
 *   // { displayName: 'J Rosenberg \\"', uri: { user: 'jdrosen', … }, params: { tag: '98asjd8' } }
 *   tryParseNameAddr('sip:user@example.com;tag=1')?.params.tag; // '1'
 *   tryParseNameAddr('"Mr. J. User <sip:j.user@example.com>');  // null
 */
export function tryParseNameAddr(value: string): NameAddr | null {
  const text = value.trim();
  let displayName: string | null = null;
  let uriText: string;
  let rest: string;
  const lt = text.indexOf('<');
  const semi = text.indexOf(';');
  if (text.startsWith('"')) {
    const q = readQuoted(text, 0);
    if (q === null) return null;
    displayName = q.value;
    const after = text.slice(q.end).trimStart();
    if (!after.startsWith('<')) return null;
    const gt = after.indexOf('>');
    if (gt === -1) return null;
    uriText = after.slice(1, gt).trim();
    rest = after.slice(gt + 1);
  } else if (lt !== -1 && (semi === -1 || lt < semi)) {
    const name = text.slice(0, lt).trim();
    if (name.includes('"')) return null;
    displayName = name === '' ? null : name;
    const gt = text.indexOf('>', lt);
    if (gt === -1) return null;
    uriText = text.slice(lt + 1, gt).trim();
    rest = text.slice(gt + 1);
  } else {
    uriText = semi === -1 ? text : text.slice(0, semi).trim();
    rest = semi === -1 ? '' : text.slice(semi);
  }
  const uri = tryParseUri(uriText);
  if (uri === null) return null;
  const params = tryParseParams(rest);
  if (params === null) return null;
  return { displayName, uri, params };
}

/**
 * tryParseNameAddr that throws ClaveError MALFORMED_SIP instead of returning null.
 *
 * @example
 *   parseNameAddr('Bob <sip:bob@biloxi.com>;tag=a6c85cf').params.tag; // 'a6c85cf'
 */
export function parseNameAddr(value: string): NameAddr {
  return orThrow(tryParseNameAddr(value), 'name-addr');
}

/**
 * Writes a name-addr, always with angle brackets (which RFC 3261 §20 requires
 * whenever the URI holds a comma, question mark or semicolon); a display name
 * that is not a run of tokens is quoted.
 *
 * @example
 *   formatNameAddr({ displayName: 'Clave', uri: parseUri('sip:line@192.0.2.1'), params: { tag: 'a1' } });
 *   // 'Clave <sip:line@192.0.2.1>;tag=a1'
 */
export function formatNameAddr(addr: NameAddr): string {
  const uri = `<${formatUri(addr.uri)}>${formatParams(addr.params)}`;
  if (addr.displayName === null) return uri;
  const words = addr.displayName.split(' ');
  const plain = words.every((w) => isToken(w));
  const name = plain ? addr.displayName : `"${addr.displayName.replace(/["\\]/g, (c) => '\\' + c)}"`;
  return `${name} ${uri}`;
}
