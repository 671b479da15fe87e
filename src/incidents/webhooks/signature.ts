import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The X-Clave-Signature of one delivery: `sha256=` and the hex HMAC-SHA256
 * (RFC 2104) of `{timestamp}.{body}` under the endpoint's secret. The
 * timestamp is signed with the body so a captured request cannot be replayed
 * later with a fresh timestamp.
 *
 * @example signWebhook('whsec-0123456789abcdef', '1767258000', '{"id":"evt_1"}') // 'sha256=5f…'
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does with a delivery: recompute the signature over the raw
 * body, compare in constant time, and refuse timestamps too far from its own
 * clock (default five minutes). Exported for receivers written in TypeScript
 * and for tests.
 *
 * @example
 *   verifyWebhookSignature({ secret, body: rawBody, timestamp: req.headers['x-clave-timestamp'],
 *     signature: req.headers['x-clave-signature'], nowMs: Date.now() }) // true
 */
export function verifyWebhookSignature(input: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowMs: number;
  toleranceMs?: number;
}): boolean {
  const { secret, body, timestamp, signature, nowMs } = input;
  if (timestamp === undefined || signature === undefined || !/^[0-9]{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs - Number(timestamp) * 1000) > (input.toleranceMs ?? 300_000)) return false;
  const want = Buffer.from(signWebhook(secret, timestamp, body));
  const got = Buffer.from(signature);
  return got.length === want.length && timingSafeEqual(got, want);
}
