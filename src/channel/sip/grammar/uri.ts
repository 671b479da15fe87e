import { isHost, parsePort } from './host-port.ts';
import { charClass, escapePercent, isEscapedText, unescapePercent, UNRESERVED } from './lexical.ts';
import type { SipUri } from './message.ts';
import { orThrow } from './malformed.ts';
import { emptyParams } from './params.ts';

// Character classes of RFC 3261 §25.1 (each also admits `escaped`).
const USER = charClass(UNRESERVED + '&=+$,;?/');
const PASSWORD = charClass(UNRESERVED + '&=+$,');
const PARAM = charClass(UNRESERVED + '[]/:&+$');
const HEADER = charClass(UNRESERVED + '[]/?:+$');
const TEL_NUMBER = /^\+?[0-9A-Fa-f*#().-]+$/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
// absoluteURI's characters (uric): printable ASCII without space, quotes or angle brackets.
const OPAQUE = /^[!#-;=?-~]+$/;

/**
 * Parses a Request-URI or the URI of a name-addr. sip:, sips: and tel: are
 * modelled; any other scheme is kept whole as scheme 'other' so that a UAS
 * can answer 416 (RFC 3261 §8.2.2.1). Escapes are undone in the user,
 * password, parameters and headers (RFC 3261 §19.1.2). Returns null when the
 * text is not a URI.
 *
 *   SIP-URI          =  "sip:" [ userinfo ] hostport
 *                       uri-parameters [ headers ]
 *   SIPS-URI         =  "sips:" [ userinfo ] hostport
 *                       uri-parameters [ headers ]
 *   userinfo         =  ( user / telephone-subscriber ) [ ":" password ] "@"
 *   uri-parameters   =  *( ";" uri-parameter)
 *   uri-parameter    =  transport-param / user-param / method-param
 *                       / ttl-param / maddr-param / lr-param / other-param
 *   other-param      =  pname [ "=" pvalue ]
 *   headers          =  "?" header *( "&" header )
 *   header           =  hname "=" hvalue
 *   absoluteURI      =  scheme ":" ( hier-part / opaque-part )
 *
 * @example
 *   tryParseUri('sip:%75se%72@example.com;transport=tcp');
 *   // { scheme: 'sip', user: 'user', host: 'example.com', params: { transport: 'tcp' }, … }
 *   tryParseUri('nobodyKnowsThisScheme:totallyopaquecontent')?.scheme; // 'other'
 *   tryParseUri('<sip:user@example.com>'); // null
 */
export function tryParseUri(text: string): SipUri | null {
  const m = SCHEME.exec(text);
  if (m === null) return null;
  const scheme = (m[1] as string).toLowerCase();
  const rest = text.slice(m[0].length);
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(scheme, rest);
  if (scheme === 'tel') return parseTelUri(rest);
  if (!OPAQUE.test(rest)) return null;
  return { scheme: 'other', user: null, password: null, host: '', port: null, params: emptyParams(), headers: {}, raw: text };
}

/**
 * tryParseUri that throws ClaveError MALFORMED_SIP instead of returning null.
 *
 * @example
 *   parseUri('sip:bob@biloxi.com').host; // 'biloxi.com'
 */
export function parseUri(text: string): SipUri {
  return orThrow(tryParseUri(text), 'URI');
}

function parseSipUri(scheme: 'sip' | 'sips', text: string): SipUri | null {
  // No unescaped "@" may follow the userinfo (neither params nor headers
  // admit it), so the first one ends it, even though a user may hold "?"
  // and ";" (RFC 4475 §3.1.1.3, semiuri).
  const at = text.indexOf('@');
  let user: string | null = null;
  let password: string | null = null;
  if (at !== -1) {
    const userinfo = text.slice(0, at);
    const colon = userinfo.indexOf(':');
    const rawUser = colon === -1 ? userinfo : userinfo.slice(0, colon);
    const rawPassword = colon === -1 ? null : userinfo.slice(colon + 1);
    if (rawUser === '' || !isEscapedText(rawUser, USER)) return null;
    if (rawPassword !== null && !isEscapedText(rawPassword, PASSWORD)) return null;
    user = unescapePercent(rawUser);
    password = rawPassword === null ? null : unescapePercent(rawPassword);
  }
  const after = text.slice(at + 1);
  const question = after.indexOf('?');
  const beforeHeaders = question === -1 ? after : after.slice(0, question);
  const [hostport = '', ...paramTexts] = beforeHeaders.split(';');
  const hp = splitHostPort(hostport);
  if (hp === null) return null;
  const params = parseUriParams(paramTexts);
  if (params === null) return null;
  const headers = question === -1 ? {} : parseUriHeaders(after.slice(question + 1));
  if (headers === null) return null;
  return { scheme, user, password, host: hp.host, port: hp.port, params, headers };
}

// Inside a URI no whitespace is allowed around the colon, unlike in Via.
function splitHostPort(text: string): { host: string; port: number | null } | null {
  const close = text.startsWith('[') ? text.indexOf(']') : -1;
  const colon = text.indexOf(':', close + 1);
  const host = colon === -1 ? text : text.slice(0, colon);
  if (!isHost(host)) return null;
  if (colon === -1) return { host, port: null };
  const port = parsePort(text.slice(colon + 1));
  return port === null ? null : { host, port };
}

function parseUriParams(texts: string[]): SipUri['params'] | null {
  const params = emptyParams();
  for (const p of texts) {
    const eq = p.indexOf('=');
    const name = eq === -1 ? p : p.slice(0, eq);
    const value = eq === -1 ? null : p.slice(eq + 1);
    if (name === '' || !isEscapedText(name, PARAM)) return null;
    if (value !== null && (value === '' || !isEscapedText(value, PARAM))) return null;
    const key = unescapePercent(name).toLowerCase();
    if (!Object.hasOwn(params, key)) params[key] = value === null ? null : unescapePercent(value);
  }
  return params;
}

function parseUriHeaders(text: string): SipUri['headers'] | null {
  const headers = Object.create(null) as SipUri['headers'];
  for (const h of text.split('&')) {
    const eq = h.indexOf('=');
    if (eq <= 0) return null;
    const name = h.slice(0, eq);
    const value = h.slice(eq + 1);
    if (!isEscapedText(name, HEADER) || !isEscapedText(value, HEADER)) return null;
    headers[unescapePercent(name)] = unescapePercent(value);
  }
  return headers;
}

// telephone-uri = "tel:" telephone-subscriber (RFC 3966 §3); the number
// goes in `user`, its parameters in `params`.
function parseTelUri(text: string): SipUri | null {
  const [number = '', ...paramTexts] = text.split(';');
  if (!TEL_NUMBER.test(number)) return null;
  const params = parseUriParams(paramTexts);
  if (params === null) return null;
  return { scheme: 'tel', user: number, password: null, host: '', port: null, params, headers: {} };
}

/**
 * Writes a URI back, escaping what its component may not hold literally.
 *
 * @example
 *   formatUri(parseUri('sip:sips%3Auser%40example.com@example.net')); // 'sip:sips%3Auser%40example.com@example.net'
 */
export function formatUri(uri: SipUri): string {
  if (uri.scheme === 'other') return uri.raw ?? '';
  const params = Object.entries(uri.params)
    .map(([n, v]) => ';' + escapePercent(n, PARAM) + (v === null ? '' : '=' + escapePercent(v, PARAM)))
    .join('');
  if (uri.scheme === 'tel') return `tel:${uri.user ?? ''}${params}`;
  let out = `${uri.scheme}:`;
  if (uri.user !== null) {
    out += escapePercent(uri.user, USER);
    if (uri.password !== null) out += ':' + escapePercent(uri.password, PASSWORD);
    out += '@';
  }
  out += uri.host + (uri.port === null ? '' : `:${uri.port}`) + params;
  const headers = Object.entries(uri.headers).map(([n, v]) => escapePercent(n, HEADER) + '=' + escapePercent(v, HEADER));
  return headers.length === 0 ? out : `${out}?${headers.join('&')}`;
}
