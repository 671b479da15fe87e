import { createHash, randomBytes } from 'node:crypto';
import { isToken, readQuoted, splitTopLevel } from '../grammar/lexical.ts';

/**
 * HTTP Digest for SIP (RFC 3261 §22.4, which takes RFC 2617's computation;
 * SHA-256 from RFC 8760). The line is the client: a trunk answers our INVITE
 * with 401 (WWW-Authenticate) or 407 (Proxy-Authenticate), and we send it
 * again with the credentials it asked for.
 *
 *   challenge  =  ("Digest" LWS digest-cln *(COMMA digest-cln)) / other-challenge
 *   digest-cln =  realm / domain / nonce / opaque / stale / algorithm / qop-options / auth-param
 */

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';
const ALGORITHMS: readonly DigestAlgorithm[] = ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess'];

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque: string | null;
  algorithm: DigestAlgorithm;
  /** The qop values offered; empty for an RFC 2069 challenge (no qop). */
  qop: string[];
  /** The nonce was merely out of date: the same credentials may be sent again with the new one. */
  stale: boolean;
}

/**
 * One WWW-Authenticate or Proxy-Authenticate value, or null when it is not a
 * Digest challenge we can answer (another scheme, an algorithm we do not
 * have, or no realm or nonce).
 *
 * @example
 *   parseDigestChallenge('Digest realm="sbc.example.net", nonce="a1b2", qop="auth", algorithm=MD5');
 *   // { realm: 'sbc.example.net', nonce: 'a1b2', opaque: null, algorithm: 'MD5', qop: ['auth'], stale: false }
 */
export function parseDigestChallenge(value: string): DigestChallenge | null {
  const m = /^\s*([!-~]+)\s+/.exec(value);
  if (!m || m[1]!.toLowerCase() !== 'digest') return null;
  const params = new Map<string, string>();
  for (const part of splitTopLevel(value.slice(m[0].length), ',')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    const name = part.slice(0, eq).trim().toLowerCase();
    const raw = part.slice(eq + 1).trim();
    let v: string;
    if (raw.startsWith('"')) {
      const q = readQuoted(raw, 0);
      if (!q || q.end !== raw.length) return null;
      v = q.value;
    } else if (isToken(raw)) {
      v = raw;
    } else {
      return null;
    }
    // A parameter given twice is a malformed challenge, not one to guess at.
    if (params.has(name)) return null;
    params.set(name, v);
  }
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  if (realm === undefined || nonce === undefined || nonce === '') return null;
  // "If this is not present it is assumed to be MD5" (RFC 2617 §3.2.1); the names compare without case.
  const named = params.get('algorithm') ?? 'MD5';
  const algorithm = ALGORITHMS.find((a) => a.toLowerCase() === named.toLowerCase());
  if (!algorithm) return null;
  const qopOptions = params.get('qop');
  const qop = qopOptions === undefined ? [] : qopOptions.split(',').map((q) => q.trim().toLowerCase()).filter((q) => q !== '');
  // A qop list without "auth" or "auth-int" is one we cannot answer.
  if (qopOptions !== undefined && !qop.some((q) => q === 'auth' || q === 'auth-int')) return null;
  return { realm, nonce, opaque: params.get('opaque') ?? null, algorithm, qop, stale: params.get('stale')?.toLowerCase() === 'true' };
}

export interface DigestCredentials {
  username: string;
  password: string;
}

export interface DigestRequest {
  method: string;
  /** The Request-URI, exactly as sent. */
  uri: string;
  body: Buffer;
  /** nonce-count: how many requests this nonce has signed, this one included. */
  nc: number;
  /** The client nonce (random by default). */
  cnonce?: string;
}

/**
 * The Authorization (or Proxy-Authorization) value answering `challenge`.
 * `qop=auth` is preferred to `auth-int` when both are offered.
 *
 * @example
 *   digestAuthorization(challenge, { username: 'clave', password }, { method: 'INVITE', uri: 'sip:+34600111222@sbc.example.net', body, nc: 1 });
 *   // 'Digest username="clave", realm="sbc.example.net", nonce="a1b2", uri="sip:…", response="…", algorithm=MD5, cnonce="…", qop=auth, nc=00000001'
 */
export function digestAuthorization(challenge: DigestChallenge, credentials: DigestCredentials, req: DigestRequest): string {
  const hash = challenge.algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  const h = (s: string | Buffer) => createHash(hash).update(s).digest('hex');
  const qop = challenge.qop.includes('auth') ? 'auth' : challenge.qop.includes('auth-int') ? 'auth-int' : null;
  const sess = challenge.algorithm.endsWith('-sess');
  const cnonce = req.cnonce ?? randomBytes(12).toString('hex');
  const nc = req.nc.toString(16).padStart(8, '0');
  let ha1 = h(`${credentials.username}:${challenge.realm}:${credentials.password}`);
  if (sess) ha1 = h(`${ha1}:${challenge.nonce}:${cnonce}`);
  const ha2 = h(qop === 'auth-int' ? `${req.method}:${req.uri}:${h(req.body)}` : `${req.method}:${req.uri}`);
  const response = qop === null ? h(`${ha1}:${challenge.nonce}:${ha2}`) : h(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
  const parts = [
    `username=${quote(credentials.username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(req.uri)}`,
    `response=${quote(response)}`,
    `algorithm=${challenge.algorithm}`,
  ];
  // cnonce and nc go with qop only (RFC 2617 §3.2.2: "MUST NOT be specified if the server did not send a qop directive").
  if (qop !== null || sess) parts.push(`cnonce=${quote(cnonce)}`);
  if (challenge.opaque !== null) parts.push(`opaque=${quote(challenge.opaque)}`);
  if (qop !== null) parts.push(`qop=${qop}`, `nc=${nc}`);
  return `Digest ${parts.join(', ')}`;
}

function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
