import { isTokenChar, isWsp, readQuoted } from './lexical.ts';
import { orThrow } from './malformed.ts';

/** Parameters by lower-cased name; a flag parameter (`;lr`) has value null. */
export type Params = Record<string, string | null>;

/** A parameter bag with no prototype, so a parameter named `__proto__` is just a parameter. */
export function emptyParams(): Params {
  return Object.create(null) as Params;
}

// gen-value = token / host / quoted-string: a host adds ":" (IPv6 address,
// as in `received=2001:db8::1`) and "[" "]" (IPv6 reference) to the token set.
const isValueChar = (c: string | undefined): boolean => isTokenChar(c) || c === ':' || c === '[' || c === ']';

/**
 * Header parameters after the main value: From/To tags, Via branch,
 * Contact expires, media-type parameters.
 *
 *   generic-param  =  token [ EQUAL gen-value ]
 *   gen-value      =  token / host / quoted-string
 *   SEMI           =  SWS ";" SWS
 *   EQUAL          =  SWS "=" SWS
 *
 * Names are lower-cased (RFC 3261 §7.3.1: parameter names are
 * case-insensitive); values stay as written, a quoted-string with its quotes.
 * When a name repeats, the first one counts. Returns null when the text is
 * not a parameter list.
 *
 * @example
 *   tryParseParams(' ; tag = 98asjd8;lr'); // { tag: '98asjd8', lr: null }
 *   tryParseParams(';;');                   // null
 */
export function tryParseParams(text: string): Params | null {
  const params = emptyParams();
  let i = 0;
  const skipWs = (): void => {
    while (isWsp(text[i])) i++;
  };
  skipWs();
  while (i < text.length) {
    if (text[i] !== ';') return null;
    i++;
    skipWs();
    const nameStart = i;
    while (isTokenChar(text[i])) i++;
    if (i === nameStart) return null;
    const name = text.slice(nameStart, i).toLowerCase();
    skipWs();
    let value: string | null = null;
    if (text[i] === '=') {
      i++;
      skipWs();
      if (text[i] === '"') {
        const q = readQuoted(text, i);
        if (q === null) return null;
        value = text.slice(i, q.end);
        i = q.end;
      } else {
        const valueStart = i;
        while (isValueChar(text[i])) i++;
        if (i === valueStart) return null;
        value = text.slice(valueStart, i);
      }
      skipWs();
    }
    if (!Object.hasOwn(params, name)) params[name] = value;
  }
  return params;
}

/**
 * tryParseParams that throws ClaveError MALFORMED_SIP instead of returning null.
 *
 * @example
 *   parseParams(';tag=1918181833n').tag; // '1918181833n'
 */
export function parseParams(text: string): Params {
  return orThrow(tryParseParams(text), 'parameters');
}

/**
 * The inverse of parseParams: `;name=value` for each entry, `;name` for a flag.
 *
 * @example
 *   formatParams({ branch: 'z9hG4bK776', rport: null }); // ';branch=z9hG4bK776;rport'
 */
export function formatParams(params: Params): string {
  let out = '';
  for (const [name, value] of Object.entries(params)) {
    out += value === null ? `;${name}` : `;${name}=${value}`;
  }
  return out;
}

