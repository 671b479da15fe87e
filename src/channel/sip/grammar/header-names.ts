/**
 * Header names compare case-insensitively, and a compact form equals its long
 * form (RFC 3261 §7.3.3: "Implementations MUST accept both the long and
 * short forms of each header name").
 */
const COMPACT: Readonly<Record<string, string>> = {
  // RFC 3261 §7.3.3 and §20
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  // RFC 6665 (Event, Allow-Events), RFC 3515 (Refer-To), RFC 3892 (Referred-By)
  o: 'event',
  u: 'allow-events',
  r: 'refer-to',
  b: 'referred-by',
  // RFC 4028 (Session-Expires), RFC 3841 (caller preferences)
  x: 'session-expires',
  a: 'accept-contact',
  j: 'reject-contact',
  d: 'request-disposition',
};

/**
 * The lower-cased long name a header is looked up by.
 *
 * @example
 *   headerKey('i');       // 'call-id'
 *   headerKey('MaX-fOrWaRdS'); // 'max-forwards'
 */
export function headerKey(name: string): string {
  const lower = name.toLowerCase();
  return COMPACT[lower] ?? lower;
}

/**
 * Headers whose grammar is a comma-separated list (`#` rules), which RFC 3261
 * §7.3.1 lets a sender spread over several rows or join in one. Other
 * headers are never split: a Date or an Authorization holds commas of its own.
 */
const LISTS = new Set([
  'via', 'contact', 'route', 'record-route', 'path', 'service-route',
  'allow', 'supported', 'require', 'proxy-require', 'unsupported',
  'accept', 'accept-encoding', 'accept-language', 'allow-events',
  'content-encoding', 'content-language', 'in-reply-to', 'warning',
  'alert-info', 'call-info', 'error-info', 'reason', 'history-info',
  'accept-contact', 'reject-contact', 'request-disposition',
  'p-asserted-identity', 'p-preferred-identity',
  'security-client', 'security-server', 'security-verify',
]);

export function isListHeader(name: string): boolean {
  return LISTS.has(headerKey(name));
}
