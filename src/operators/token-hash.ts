import { hkdfSync, randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { keyedHash, loadOrCreateKeys } from '../crypto/index.ts';
import { ClaveError, Sensitive } from '../shared/index.ts';

/** Separates operator tokens from every other use of the keyed hash. */
const CONTEXT = 'operator-token';
const PREFIX = 'clv_op_';

/**
 * The key operator tokens are hashed under: HKDF-SHA256 (RFC 5869) of the
 * deployment's data key (keys.json), so the AES key that seals secrets is
 * never itself used for HMAC, and a copy of the database alone cannot test
 * a guessed token.
 *
 * @example
 *   const key = operatorTokenKey(keys.dataKey); // 32 bytes
 */
export function operatorTokenKey(dataKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'clave operator tokens v1', 32));
}

/**
 * The operator key of the deployment whose data dir is `dataDir` (the CLI
 * works on the store directly and needs the server's key). Unlike the
 * server it never creates keys.json: a token hashed under a new key would
 * be stored and never work, so a missing file is INVALID_CONFIG.
 *
 * @example
 *   const key = await loadOperatorKey(config.dataDir);
 */
export async function loadOperatorKey(dataDir: string): Promise<Buffer> {
  try {
    await access(join(dataDir, 'keys.json'));
  } catch {
    throw new ClaveError(
      'INVALID_CONFIG',
      `no keys.json in ${dataDir}: point CLAVE_DATA_DIR at the server's data dir (it is created when the server first starts)`,
    );
  }
  return operatorTokenKey((await loadOrCreateKeys(dataDir)).dataKey);
}

/**
 * The stored form of a token: HMAC-SHA256(key, "operator-token" 0x00 token)
 * as 64 lowercase hex digits (src/crypto/keyed-hash.ts). The same form goes
 * in CLAVE_OPERATORS_FILE's `tokenHash`.
 *
 * @example
 *   hashOperatorToken(key, new Sensitive('clv_op_…')); // '3f1c…' (64 hex)
 */
export function hashOperatorToken(key: Buffer, token: Sensitive<string>): string {
  return keyedHash(key, token, CONTEXT);
}

/**
 * A new operator token: 32 random bytes (256 bits) in base64url behind a
 * prefix that secret scanners can recognise.
 *
 * @example
 *   newOperatorToken().reveal(); // 'clv_op_Vb3…' (50 characters)
 */
export function newOperatorToken(): Sensitive<string> {
  return new Sensitive(`${PREFIX}${randomBytes(32).toString('base64url')}`);
}
