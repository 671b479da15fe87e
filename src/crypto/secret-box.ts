import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ClaveError, Sensitive } from '../shared/index.ts';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12; // NIST SP 800-38D §8.2: 96-bit IVs are the recommended length
const TAG_BYTES = 16;

/**
 * Encrypts a short secret for storage at rest with AES-256-GCM. The result is
 * `v1.` followed by base64url(iv || tag || ciphertext); `aad` binds it to its
 * context (e.g. a table and row id) so a sealed value cannot be moved.
 *
 * @example
 *   const sealed = seal(new Sensitive('482913'), key, 'outbox:42'); // 'v1.…'
 *   open(sealed, key, 'outbox:42').reveal(); // '482913'
 */
export function seal(plaintext: Sensitive<string>, key: Buffer, aad = ''): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const clear = Buffer.from(plaintext.reveal(), 'utf8');
  try {
    const body = Buffer.concat([cipher.update(clear), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  } finally {
    clear.fill(0);
  }
}

/**
 * Decrypts what `seal` produced. A wrong key, wrong `aad`, or any changed
 * byte throws ClaveError('SEALED_DATA_INVALID').
 *
 * @example
 *   open(seal(new Sensitive('x'), key), key).reveal(); // 'x'
 */
export function open(sealed: string, key: Buffer, aad = ''): Sensitive<string> {
  checkKey(key);
  const dot = sealed.indexOf('.');
  const version = dot < 0 ? '' : sealed.slice(0, dot);
  if (version !== VERSION) {
    throw new ClaveError('SEALED_DATA_INVALID', 'sealed value has an unknown version', { reason: 'version' });
  }
  const raw = Buffer.from(sealed.slice(dot + 1), 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) {
    throw new ClaveError('SEALED_DATA_INVALID', 'sealed value is truncated', { reason: 'format' });
  }
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  let clear: Buffer | undefined;
  try {
    clear = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    return new Sensitive(clear.toString('utf8'));
  } catch {
    throw new ClaveError('SEALED_DATA_INVALID', 'sealed value failed authentication (tampered, or wrong key or context)', {
      reason: 'authentication',
    });
  } finally {
    clear?.fill(0);
  }
}

function checkKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new RangeError(`secret-box key must be ${KEY_BYTES} bytes, got ${key.length}`);
}
