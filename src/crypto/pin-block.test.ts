import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isClaveError, Sensitive } from '../shared/index.ts';
import { decodePinBlockFormat1, decryptPinBlock, encodePinBlockFormat1, encryptPinBlock } from './pin-block.ts';
import { tdesDecryptBlock } from './tdes.ts';

function reasonOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    if (isClaveError(err, 'INVALID_PIN_BLOCK')) return err.details.reason;
    throw err;
  }
  throw new Error('expected INVALID_PIN_BLOCK');
}

describe('ISO 9564-1 format 1 PIN block', () => {
  it('lays out control, length and digits, then fill', () => {
    const block = encodePinBlockFormat1(new Sensitive('2580'));
    expect(block.length).toBe(8);
    expect(block.toString('hex').slice(0, 6)).toBe('142580');
    const twelve = encodePinBlockFormat1(new Sensitive('123456789012'));
    expect(twelve.toString('hex').slice(0, 14)).toBe('1c123456789012');
  });

  it('fills with random nibbles (two blocks of one PIN differ)', () => {
    const a = encodePinBlockFormat1(new Sensitive('2580')).toString('hex');
    const b = encodePinBlockFormat1(new Sensitive('2580')).toString('hex');
    const c = encodePinBlockFormat1(new Sensitive('2580')).toString('hex');
    expect(new Set([a, b, c]).size).toBeGreaterThan(1);
  });

  it('decodes a fixed block', () => {
    expect(decodePinBlockFormat1(Buffer.from('142580a1b2c3d4e5', 'hex')).reveal()).toBe('2580');
    expect(decodePinBlockFormat1(Buffer.from('1c123456789012ff', 'hex')).reveal()).toBe('123456789012');
  });

  it('rejects each malformed field with its reason', () => {
    expect(reasonOf(() => decodePinBlockFormat1(Buffer.from('042580a1b2c3d4e5', 'hex')))).toBe('control');
    expect(reasonOf(() => decodePinBlockFormat1(Buffer.from('132580a1b2c3d4e5', 'hex')))).toBe('length');
    expect(reasonOf(() => decodePinBlockFormat1(Buffer.from('1d2580a1b2c3d4e5', 'hex')))).toBe('length');
    expect(reasonOf(() => decodePinBlockFormat1(Buffer.from('1425a0a1b2c3d4e5', 'hex')))).toBe('digit');
    expect(reasonOf(() => decodePinBlockFormat1(Buffer.from('142580a1b2c3d4', 'hex')))).toBe('size');
    expect(reasonOf(() => encodePinBlockFormat1(new Sensitive('123')))).toBe('length');
    expect(reasonOf(() => encodePinBlockFormat1(new Sensitive('12a4')))).toBe('digit');
  });

  it('never puts PIN digits in error messages', () => {
    expect(() => decodePinBlockFormat1(Buffer.from('1425a0a1b2c3d4e5', 'hex'))).toThrow(/^[^0-9]*$/);
    expect(() => encodePinBlockFormat1(new Sensitive('97x1'))).toThrow(/^[^0-9]*$/);
  });

  it('encrypts under the ZPK and decrypts back (line ↔ HSM)', () => {
    const zpk = randomBytes(16);
    const encrypted = encryptPinBlock(new Sensitive('7413'), zpk);
    expect(encrypted.length).toBe(8);
    expect(tdesDecryptBlock(zpk, encrypted).toString('hex').slice(0, 6)).toBe('147413');
    expect(decryptPinBlock(encrypted, zpk).reveal()).toBe('7413');
  });

  it('a block decrypted under the wrong key is rejected or yields another PIN', () => {
    const encrypted = encryptPinBlock(new Sensitive('7413'), randomBytes(16));
    let pin: string | null = null;
    try {
      pin = decryptPinBlock(encrypted, randomBytes(16)).reveal();
    } catch (err) {
      expect(isClaveError(err, 'INVALID_PIN_BLOCK')).toBe(true);
    }
    expect(pin).not.toBe('7413');
  });
});
