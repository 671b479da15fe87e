/**
 *   hostport       =  host [ ":" port ]
 *   host           =  hostname / IPv4address / IPv6reference
 *   hostname       =  *( domainlabel "." ) toplabel [ "." ]
 *   IPv6reference  =  "[" IPv6address "]"
 *   port           =  1*DIGIT
 *
 * (RFC 3261 §25.1.) Hostnames are checked by character only: underscores,
 * which the grammar forbids but deployed DNS names carry, are let through.
 */
const HOSTNAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?$/;
const IPV6_CHARS = /^[0-9A-Fa-f:.]+$/;

export function isHost(host: string): boolean {
  if (host.startsWith('[')) {
    const inner = host.slice(1, -1);
    return host.endsWith(']') && inner.includes(':') && IPV6_CHARS.test(inner);
  }
  return HOSTNAME.test(host);
}

/** A port of at most 65535, or null when `text` is not one. */
export function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}

/**
 * Splits `host[:port]`, allowing SWS around the colon (RFC 3261 §25.1:
 * COLON = SWS ":" SWS). The host keeps the brackets of an IPv6 reference.
 *
 * @example
 *   parseHostPort('[2001:db8::1]:5070'); // { host: '[2001:db8::1]', port: 5070 }
 *   parseHostPort('example.com');        // { host: 'example.com', port: null }
 */
export function parseHostPort(text: string): { host: string; port: number | null } | null {
  let host: string;
  let rest: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return null;
    host = text.slice(0, close + 1);
    rest = text.slice(close + 1).trim();
  } else {
    const colon = text.indexOf(':');
    host = (colon === -1 ? text : text.slice(0, colon)).trim();
    rest = colon === -1 ? '' : text.slice(colon);
  }
  if (!isHost(host)) return null;
  if (rest === '') return { host, port: null };
  if (!rest.startsWith(':')) return null;
  const port = parsePort(rest.slice(1).trim());
  return port === null ? null : { host, port };
}
