import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Sensitive } from '../../shared/index.ts';

export type HeaderBag = Record<string, string | string[] | undefined>;

export interface CallbackSignatureOptions {
  /** The shared HMAC key. */
  secret: Sensitive<string>;
  /** Header carrying the signature, e.g. 'x-signature'; any case. */
  signatureHeader: string;
  signatureEncoding: 'hex' | 'base64';
  /**
   * Header with the send time in Unix seconds (or milliseconds); when set it
   * is signed too, as `{timestamp}{separator}{body}`, and must be fresh.
   */
  timestampHeader?: string;
  /** Between timestamp and body in the signed string; default '.'. */
  separator?: string;
  /** How far the timestamp may be from our clock, either way; default 300 s. */
  toleranceSeconds?: number;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks an HMAC-SHA256 signature over a callback's raw body (and the
 * timestamp, when configured). The signature may carry a `sha256=` prefix
 * (GitHub style); it is compared in constant time. A timestamp outside the
 * window is refused, so a captured callback cannot be replayed later.
 *
 * @example
 *   verifyCallbackSignature(raw, req.headers, { secret, signatureHeader: 'x-signature', signatureEncoding: 'hex' }, clock.now())
 *   // { ok: true } or { ok: false, reason: 'signature does not match' }
 */
export function verifyCallbackSignature(rawBody: Buffer, headers: HeaderBag, options: CallbackSignatureOptions, nowMs: number): SignatureCheck {
  const given = header(headers, options.signatureHeader);
  if (given === undefined || given === '') return { ok: false, reason: `missing ${options.signatureHeader} header` };
  const provided = decode(given.trim().replace(/^sha256=/i, ''), options.signatureEncoding);
  if (provided === null) return { ok: false, reason: `${options.signatureHeader} is not a ${options.signatureEncoding} HMAC-SHA256` };

  let signed = rawBody;
  let timestampMs: number | null = null;
  if (options.timestampHeader !== undefined) {
    const ts = header(headers, options.timestampHeader)?.trim();
    if (ts === undefined || !/^[0-9]{1,16}$/.test(ts)) return { ok: false, reason: `missing or malformed ${options.timestampHeader} header` };
    // Seconds until the year 5138; beyond, it is milliseconds.
    timestampMs = Number(ts) < 1e11 ? Number(ts) * 1000 : Number(ts);
    signed = Buffer.concat([Buffer.from(`${ts}${options.separator ?? '.'}`, 'utf8'), rawBody]);
  }
  const expected = createHmac('sha256', options.secret.reveal()).update(signed).digest();
  // Lengths are both 32 here (decode checks); timingSafeEqual throws on a mismatch.
  if (!timingSafeEqual(expected, provided)) return { ok: false, reason: 'signature does not match' };
  if (timestampMs !== null && Math.abs(nowMs - timestampMs) > (options.toleranceSeconds ?? 300) * 1000) {
    return { ok: false, reason: 'timestamp outside the freshness window (stale or replayed)' };
  }
  return { ok: true };
}

/** A header by name in any case; the first of repeated ones. */
export function header(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function decode(value: string, encoding: 'hex' | 'base64'): Buffer | null {
  if (encoding === 'hex') return /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : null;
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) return null;
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === 32 ? bytes : null;
}
