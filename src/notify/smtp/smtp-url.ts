import { ClaveError, Sensitive } from '../../shared/index.ts';

/** What an SMTP URL says: where the relay is, how to secure and authenticate, whether to pool. */
export interface SmtpUrlSettings {
  host: string;
  port: number;
  /** `smtps://`: TLS from the first byte (RFC 8314 §3.3). `smtp://`: STARTTLS (RFC 3207). */
  secure: boolean;
  auth: { user: string; pass: Sensitive<string> } | null;
  /** Refuse to go on without STARTTLS; `smtp://` only (smtps:// is always TLS). */
  requireTLS: boolean;
  /** False accepts any certificate: for a test relay only. */
  tlsRejectUnauthorized: boolean;
  pool: boolean;
  maxConnections: number;
  maxMessages: number;
  /** EHLO name (RFC 5321 §4.1.1.1); the machine's host name when null. */
  name: string | null;
  /** SASL mechanism to use (PLAIN, LOGIN, CRAM-MD5); the first the server offers when null. */
  authMethod: string | null;
}

const QUERY_KEYS = ['pool', 'maxConnections', 'maxMessages', 'requireTLS', 'tlsRejectUnauthorized', 'name', 'authMethod'] as const;

/**
 * Reads `CLAVE_SMTP_URL`. The password never appears in an error and comes
 * back wrapped in `Sensitive`.
 *
 * - `smtp://user:pass@host:587` — STARTTLS; port 587 by default (RFC 6409).
 *   With credentials, STARTTLS is required (`requireTLS` defaults to true) so
 *   the password never crosses the network in clear; without credentials (a
 *   local relay on port 25) it is used when the server offers it.
 * - `smtps://user:pass@host` — implicit TLS, port 465 by default (RFC 8314).
 * - Query options: `pool=true` (reuse connections), `maxConnections=5`,
 *   `maxMessages=100` (per pooled connection), `requireTLS=true|false`,
 *   `tlsRejectUnauthorized=false` (tests only), `name=clave.bank.example`
 *   (EHLO name), `authMethod=PLAIN|LOGIN|CRAM-MD5`. Unknown options are errors.
 * User and password are percent-decoded (`%40` for `@`).
 *
 * @example
 *   parseSmtpUrl('smtp://clave:s3cret@mail.bank.example?pool=true&maxConnections=3')
 *   // { host: 'mail.bank.example', port: 587, secure: false, requireTLS: true, pool: true, maxConnections: 3, ... }
 */
export function parseSmtpUrl(value: string): SmtpUrlSettings {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('not a URL (expected smtp://user:pass@host:587 or smtps://user:pass@host:465)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw invalid(`scheme must be smtp: or smtps:, not ${url.protocol}`);
  if (url.hostname === '') throw invalid('host is missing');
  if (url.pathname !== '' && url.pathname !== '/') throw invalid('a path is not allowed');
  const secure = url.protocol === 'smtps:';
  const user = decode(url.username, 'user');
  const pass = decode(url.password, 'password');
  if ((user === '') !== (pass === '')) throw invalid('give both user and password, or neither');
  const auth = user === '' ? null : { user, pass: new Sensitive(pass) };

  const params = url.searchParams;
  for (const key of params.keys()) {
    if (!(QUERY_KEYS as readonly string[]).includes(key)) throw invalid(`unknown option '${key}' (known: ${QUERY_KEYS.join(', ')})`);
  }
  return {
    // URL keeps the brackets of an IPv6 literal; sockets want the bare address.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
    secure,
    auth,
    requireTLS: !secure && bool(params, 'requireTLS', auth !== null),
    tlsRejectUnauthorized: bool(params, 'tlsRejectUnauthorized', true),
    pool: bool(params, 'pool', false),
    maxConnections: int(params, 'maxConnections', 5, 1, 100),
    maxMessages: int(params, 'maxMessages', 100, 1, 100_000),
    name: text(params, 'name', /^[A-Za-z0-9.-]+$/),
    authMethod: text(params, 'authMethod', /^[A-Za-z0-9-]+$/)?.toUpperCase() ?? null,
  };
}

function invalid(reason: string): ClaveError {
  return new ClaveError('INVALID_CONFIG', `CLAVE_SMTP_URL: ${reason}`, { variable: 'CLAVE_SMTP_URL' });
}

function decode(value: string, what: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw invalid(`the ${what} is not valid percent-encoding`);
  }
}

function bool(params: URLSearchParams, key: string, fallback: boolean): boolean {
  const v = params.get(key);
  if (v === null) return fallback;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw invalid(`${key} must be true or false`);
}

function int(params: URLSearchParams, key: string, fallback: number, min: number, max: number): number {
  const v = params.get(key);
  if (v === null) return fallback;
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || n < min || n > max) throw invalid(`${key} must be an integer from ${min} to ${max}`);
  return n;
}

function text(params: URLSearchParams, key: string, pattern: RegExp): string | null {
  const v = params.get(key);
  if (v === null) return null;
  if (!pattern.test(v)) throw invalid(`${key} has characters it may not have`);
  return v;
}
