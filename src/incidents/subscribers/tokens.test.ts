import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../notify/index.ts';
import { PHRASES, phrasesFor } from './phrases.ts';
import { confirmTokenHash, newConfirmToken, newSubscriptionId, subscriptionOfUnsubscribeToken, unsubscribeToken } from './tokens.ts';

describe('subscription links', () => {
  const key = randomBytes(32);

  it('stores a confirm token only keyed-hashed, and refuses what cannot be one', () => {
    const token = newConfirmToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newConfirmToken()).not.toBe(token);
    const hash = confirmTokenHash(key, token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(token);
    expect(confirmTokenHash(randomBytes(32), token)).not.toBe(hash);
    expect(confirmTokenHash(key, `${token}x`)).toBeNull();
    expect(confirmTokenHash(key, '../../etc/passwd/xxxxxx')).toBeNull();
  });

  it('signs the subscription id into the unsubscribe token', () => {
    const id = newSubscriptionId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const token = unsubscribeToken(key, id);
    expect(token.startsWith(id)).toBe(true);
    expect(subscriptionOfUnsubscribeToken(key, token)).toBe(id);
    expect(subscriptionOfUnsubscribeToken(randomBytes(32), token)).toBeNull();
    // Another id under the same MAC, or a changed MAC, is refused.
    const other = newSubscriptionId();
    expect(subscriptionOfUnsubscribeToken(key, other + token.slice(16))).toBeNull();
    expect(subscriptionOfUnsubscribeToken(key, token.slice(0, -1) + (token.endsWith('x') ? 'y' : 'x'))).toBeNull();
    expect(subscriptionOfUnsubscribeToken(key, token.slice(0, -1))).toBeNull();
  });

  it('refuses a short key', () => {
    expect(() => unsubscribeToken(randomBytes(8), newSubscriptionId())).toThrow(RangeError);
  });
});

describe('subscriber phrases', () => {
  it('cover exactly the languages of the message templates, with English as fallback', () => {
    expect(Object.keys(PHRASES).sort()).toEqual(Object.keys(LANGUAGES).sort());
    expect(phrasesFor('es-ES').workaround).toBe('Mientras tanto:');
    expect(phrasesFor('fr').workaround).toBe('Meanwhile:');
  });
});
