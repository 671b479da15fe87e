import { createCipheriv, createDecipheriv } from 'node:crypto';

/** DES block size in bytes. */
export const TDES_BLOCK_BYTES = 8;
/** A 2-key (double-length) triple DES key: K1 || K2, used as K1-K2-K1. */
export const TDES_KEY_BYTES = 16;

/**
 * Encrypts one 8-byte block with 2-key triple DES in ECB mode, no padding,
 * the way payment HSMs encrypt PIN blocks and PVV inputs (ANSI X9.52 EDE).
 *
 * @example
 *   tdesEncryptBlock(Buffer.alloc(16, 1), Buffer.alloc(8)).length; // 8
 */
export function tdesEncryptBlock(key: Buffer, block: Buffer): Buffer {
  return run('encrypt', key, block);
}

/**
 * Decrypts one 8-byte block with 2-key triple DES in ECB mode, no padding.
 *
 * @example
 *   const c = tdesEncryptBlock(key, block);
 *   tdesDecryptBlock(key, c).equals(block); // true
 */
export function tdesDecryptBlock(key: Buffer, block: Buffer): Buffer {
  return run('decrypt', key, block);
}

function run(direction: 'encrypt' | 'decrypt', key: Buffer, block: Buffer): Buffer {
  if (key.length !== TDES_KEY_BYTES) {
    throw new RangeError(`triple DES key must be ${TDES_KEY_BYTES} bytes (2-key), got ${key.length}`);
  }
  if (block.length !== TDES_BLOCK_BYTES) {
    throw new RangeError(`triple DES block must be ${TDES_BLOCK_BYTES} bytes, got ${block.length}`);
  }
  const cipher =
    direction === 'encrypt' ? createCipheriv('des-ede-ecb', key, null) : createDecipheriv('des-ede-ecb', key, null);
  cipher.setAutoPadding(false);
  const head = cipher.update(block);
  const tail = cipher.final();
  if (tail.length === 0) return head;
  const out = Buffer.concat([head, tail]);
  head.fill(0);
  return out;
}
