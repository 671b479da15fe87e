export { tdesEncryptBlock, tdesDecryptBlock, TDES_BLOCK_BYTES, TDES_KEY_BYTES } from './tdes.ts';
export {
  encodePinBlockFormat1,
  decodePinBlockFormat1,
  encryptPinBlock,
  decryptPinBlock,
  type PinBlockProblem,
} from './pin-block.ts';
export { computePvv } from './pvv.ts';
export { seal, open } from './secret-box.ts';
export { keyedHash, hashesEqual, verifyKeyedHash } from './keyed-hash.ts';
export { randomDigits, randomPassword } from './random.ts';
export { loadOrCreateKeys, type ClaveKeys } from './keys.ts';
