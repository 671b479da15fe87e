import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isClaveError, Sensitive } from '../shared/index.ts';
import { open, seal } from './secret-box.ts';

const KEY = randomBytes(32);

function failure(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    if (isClaveError(err, 'SEALED_DATA_INVALID')) return err.details.reason;
    throw err;
  }
  throw new Error('expected SEALED_DATA_INVALID');
}

describe('secret box (AES-256-GCM)', () => {
  it('seals to a versioned string and opens it', () => {
    const sealed = seal(new Sensitive('Kx7mPq2r'), KEY, 'outbox:1');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('Kx7mPq2r');
    expect(open(sealed, KEY, 'outbox:1').reveal()).toBe('Kx7mPq2r');
  });

  it('uses a fresh IV each time', () => {
    expect(seal(new Sensitive('same'), KEY)).not.toBe(seal(new Sensitive('same'), KEY));
  });

  it('refuses a changed byte, a wrong key, a wrong context, a bad version, a truncation', () => {
    const sealed = seal(new Sensitive('482913'), KEY, 'a');
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(failure(() => open(`v1.${raw.toString('base64url')}`, KEY, 'a'))).toBe('authentication');
    expect(failure(() => open(sealed, randomBytes(32), 'a'))).toBe('authentication');
    expect(failure(() => open(sealed, KEY, 'b'))).toBe('authentication');
    expect(failure(() => open('v2.' + sealed.slice(3), KEY, 'a'))).toBe('version');
    expect(failure(() => open('v1.AAAA', KEY, 'a'))).toBe('format');
  });

  it('rejects a key of the wrong size', () => {
    expect(() => seal(new Sensitive('x'), randomBytes(16))).toThrow(/32 bytes/);
  });
});
