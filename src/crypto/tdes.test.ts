import { describe, expect, it } from 'vitest';
import { tdesDecryptBlock, tdesEncryptBlock } from './tdes.ts';

const KEY = Buffer.from('0123456789ABCDEFFEDCBA9876543210', 'hex');

describe('2-key triple DES', () => {
  it('encrypts a block as OpenSSL des-ede does (fixed answer)', () => {
    // `printf 0123456789012345 | xxd -r -p | openssl enc -des-ede -K 0123…3210 -nopad | xxd -p`
    expect(tdesEncryptBlock(KEY, Buffer.from('0123456789012345', 'hex')).toString('hex')).toBe('f84314c6b85bd3b0');
  });

  it('round-trips', () => {
    const block = Buffer.from('1122334455667788', 'hex');
    expect(tdesDecryptBlock(KEY, tdesEncryptBlock(KEY, block)).equals(block)).toBe(true);
  });

  it('with K1 = K2 equals single DES (EDE collapses)', () => {
    const single = Buffer.from('0123456789ABCDEF0123456789ABCDEF', 'hex');
    // FIPS 81 / classic test: DES(0123456789ABCDEF, "Now is t") = 3fa40e8a984d4815
    expect(tdesEncryptBlock(single, Buffer.from('Now is t')).toString('hex')).toBe('3fa40e8a984d4815');
  });

  it('rejects wrong key and block lengths', () => {
    expect(() => tdesEncryptBlock(Buffer.alloc(24), Buffer.alloc(8))).toThrow(/16 bytes \(2-key\), got 24/);
    expect(() => tdesDecryptBlock(KEY, Buffer.alloc(7))).toThrow(/8 bytes, got 7/);
  });
});
