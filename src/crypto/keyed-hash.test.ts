import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sensitive } from '../shared/index.ts';
import { hashesEqual, keyedHash, verifyKeyedHash } from './keyed-hash.ts';

describe('keyed hash', () => {
  it('is HMAC-SHA256 over context NUL secret', () => {
    const key = Buffer.alloc(32, 7);
    const expected = createHmac('sha256', key).update('ctx\u0000123456').digest('hex');
    expect(keyedHash(key, new Sensitive('123456'), 'ctx')).toBe(expected);
  });

  it('refuses keys shorter than 16 bytes', () => {
    expect(() => keyedHash(Buffer.from('Jefe'), new Sensitive('x'))).toThrow(/16 bytes/);
  });

  it('depends on key and context', () => {
    const key = randomBytes(32);
    const h = keyedHash(key, new Sensitive('123456'), 'unlock:1');
    expect(keyedHash(key, new Sensitive('123456'), 'unlock:2')).not.toBe(h);
    expect(keyedHash(randomBytes(32), new Sensitive('123456'), 'unlock:1')).not.toBe(h);
    expect(verifyKeyedHash(key, new Sensitive('123456'), 'unlock:1', h)).toBe(true);
    expect(verifyKeyedHash(key, new Sensitive('123457'), 'unlock:1', h)).toBe(false);
  });

  it('compares equal, unequal and different-length values', () => {
    expect(hashesEqual('abcd', 'abcd')).toBe(true);
    expect(hashesEqual('abcd', 'abce')).toBe(false);
    expect(hashesEqual('abcd', 'abc')).toBe(false);
  });
});
