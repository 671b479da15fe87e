import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { keyedHash } from '../../crypto/index.ts';
import { Sensitive } from '../../shared/index.ts';

/**
 * The two links a subscriber gets. Both are unguessable without the line's
 * secret key:
 * - confirm: 128 random bits, stored only as an HMAC (a stolen database
 *   confirms nothing), replaced by each new confirmation, expiring;
 * - unsubscribe: the subscription id plus an HMAC of it, so every message
 *   can carry it without storing it, and it works until the row is gone.
 */
const CONFIRM_TOKEN = /^[A-Za-z0-9_-]{22}$/;
const ID_CHARS = 16;
const MAC_CHARS = 22;
const UNSUBSCRIBE_TOKEN = new RegExp(`^[A-Za-z0-9_-]{${ID_CHARS + MAC_CHARS}}$`);

/** A new subscription id: 96 random bits, 16 URL-safe characters. */
export function newSubscriptionId(): string {
  return randomBytes(12).toString('base64url');
}

/** @example newConfirmToken() // e.g. 'Xk3pQ7rZ9tW2mK4nB6vC8d' */
export function newConfirmToken(): string {
  return randomBytes(16).toString('base64url');
}

/** What is stored for a confirm token; null for a string that cannot be one of ours. */
export function confirmTokenHash(key: Buffer, token: string): string | null {
  if (!CONFIRM_TOKEN.test(token)) return null;
  return keyedHash(key, new Sensitive(token), 'status-subscription-confirm');
}

/**
 * @example unsubscribeToken(key, 'q3V0b1Rk2mX9aZ7c') // 'q3V0b1Rk2mX9aZ7c' + 22 MAC characters
 */
export function unsubscribeToken(key: Buffer, subscriptionId: string): string {
  return subscriptionId + unsubscribeMac(key, subscriptionId);
}

/** The subscription an unsubscribe token names, or null when its MAC does not check out. */
export function subscriptionOfUnsubscribeToken(key: Buffer, token: string): string | null {
  if (!UNSUBSCRIBE_TOKEN.test(token)) return null;
  const id = token.slice(0, ID_CHARS);
  const got = Buffer.from(token.slice(ID_CHARS));
  const want = Buffer.from(unsubscribeMac(key, id));
  return timingSafeEqual(got, want) ? id : null;
}

function unsubscribeMac(key: Buffer, id: string): string {
  if (key.length < 16) throw new RangeError('the subscription secret key must be at least 16 bytes');
  return createHmac('sha256', key).update(`status-subscription-unsubscribe\u0000${id}`).digest('base64url').slice(0, MAC_CHARS);
}
