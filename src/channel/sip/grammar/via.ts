import { parseHostPort } from './host-port.ts';
import { isToken } from './lexical.ts';
import type { Via } from './message.ts';
import { orThrow } from './malformed.ts';
import { formatParams, tryParseParams } from './params.ts';

const SENT_PROTOCOL = /^([^\s/]+)\s*\/\s*([^\s/]+)\s*\/\s*([^\s/]+)\s+(.+)$/;

/**
 * Parses one via-parm: a single Via value (use getHeaders to split a row
 * holding several).
 *
 *   via-parm       =  sent-protocol LWS sent-by *( SEMI via-params )
 *   sent-protocol  =  protocol-name SLASH protocol-version
 *                     SLASH transport
 *   sent-by        =  host [ COLON port ]
 *   via-params     =  via-ttl / via-maddr / via-received / via-branch
 *                     / via-extension
 *   SLASH          =  SWS "/" SWS
 *
 * Protocol name and transport are upper-cased (they compare
 * case-insensitively). Returns null when the value is not a via-parm, so an
 * empty parameter (`;;`, RFC 4475 badinv01) or an empty branch fails.
 *
 * @example
 *   tryParseVia('SIP  / 2.0 / tcp  spindle.example.com ; branch = z9hG4bK9ikj8');
 *   // { protocol: 'SIP', version: '2.0', transport: 'TCP', host: 'spindle.example.com', port: null, params: { branch: 'z9hG4bK9ikj8' } }
 */
export function tryParseVia(value: string): Via | null {
  const text = value.trim();
  // sent-by never holds a ";", so the first one starts the parameters.
  const semi = text.indexOf(';');
  const head = semi === -1 ? text : text.slice(0, semi);
  const m = SENT_PROTOCOL.exec(head.trim());
  if (m === null) return null;
  const [, protocol = '', version = '', transport = '', sentBy = ''] = m;
  if (!isToken(protocol) || !isToken(version) || !isToken(transport)) return null;
  const hp = parseHostPort(sentBy.trim());
  if (hp === null) return null;
  const params = tryParseParams(semi === -1 ? '' : text.slice(semi));
  if (params === null) return null;
  return { protocol: protocol.toUpperCase(), version, transport: transport.toUpperCase(), host: hp.host, port: hp.port, params };
}

/**
 * tryParseVia that throws ClaveError MALFORMED_SIP instead of returning null.
 *
 * @example
 *   parseVia('SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds').params.branch; // 'z9hG4bK776asdhds'
 */
export function parseVia(value: string): Via {
  return orThrow(tryParseVia(value), 'Via');
}

/**
 * @example
 *   formatVia({ protocol: 'SIP', version: '2.0', transport: 'UDP', host: '192.0.2.1', port: 5060, params: { branch: 'z9hG4bKx', rport: null } });
 *   // 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx;rport'
 */
export function formatVia(via: Via): string {
  const port = via.port === null ? '' : `:${via.port}`;
  return `${via.protocol}/${via.version}/${via.transport} ${via.host}${port}${formatParams(via.params)}`;
}
