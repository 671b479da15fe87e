import { randomInt } from 'node:crypto';
import { ClaveError, Sensitive } from '../shared/index.ts';
import { tdesDecryptBlock, tdesEncryptBlock } from './tdes.ts';

/*
 * ISO 9564-1:2017 §9.3.3, PIN block format 1. Used because the line does not
 * know the card's full PAN (format 0 and 3 XOR the PIN field with it).
 *
 *   nibble:  1    2    3..(2+N)      (3+N)..16
 *           +----+----+-------------+------------------------+
 *           | C  | N  | P P P P ... | T/R T/R T/R ...        |
 *           +----+----+-------------+------------------------+
 *   C   control field, 0001 for format 1
 *   N   PIN length, 0100 (4) to 1100 (12)
 *   P   PIN digits, 0000 to 1001
 *   T/R transaction field or random fill, 0000 to 1111
 */

const CONTROL_FORMAT_1 = 0x1;
const MIN_PIN = 4;
const MAX_PIN = 12;

export type PinBlockProblem = 'size' | 'control' | 'length' | 'digit';

function invalid(reason: PinBlockProblem, message: string): ClaveError {
  // The message never carries digits: it may reach a log.
  return new ClaveError('INVALID_PIN_BLOCK', message, { reason });
}

/**
 * Builds a clear format-1 PIN block (8 bytes). The caller wipes it.
 *
 * @example
 *   const block = encodePinBlockFormat1(new Sensitive('2580'));
 *   block[0]; // 0x14: control 1, length 4
 */
export function encodePinBlockFormat1(pin: Sensitive<string>): Buffer {
  const digits = pin.reveal();
  if (digits.length < MIN_PIN || digits.length > MAX_PIN) {
    throw invalid('length', `PIN must be ${MIN_PIN} to ${MAX_PIN} digits`);
  }
  const nibbles = new Uint8Array(16);
  try {
    nibbles[0] = CONTROL_FORMAT_1;
    nibbles[1] = digits.length;
    for (let i = 0; i < digits.length; i++) {
      const d = digits.charCodeAt(i) - 48;
      if (d < 0 || d > 9) throw invalid('digit', 'PIN must be decimal digits');
      nibbles[2 + i] = d;
    }
    // §9.3.3: the remaining nibbles are a transaction field or random fill;
    // the line has no transaction field, so it fills with random values.
    for (let i = 2 + digits.length; i < 16; i++) nibbles[i] = randomInt(16);
    const block = Buffer.alloc(8);
    for (let i = 0; i < 8; i++) block[i] = ((nibbles[2 * i] ?? 0) << 4) | (nibbles[2 * i + 1] ?? 0);
    return block;
  } finally {
    nibbles.fill(0);
  }
}

/**
 * Reads a clear format-1 PIN block.
 *
 * @example
 *   decodePinBlockFormat1(Buffer.from('142580a1b2c3d4e5', 'hex')).reveal(); // '2580'
 */
export function decodePinBlockFormat1(block: Buffer): Sensitive<string> {
  if (block.length !== 8) throw invalid('size', `PIN block must be 8 bytes, got ${block.length}`);
  const control = (block[0] ?? 0) >> 4;
  if (control !== CONTROL_FORMAT_1) {
    throw invalid('control', `PIN block control field is ${control}, expected ${CONTROL_FORMAT_1} (ISO 9564-1 format 1)`);
  }
  const length = (block[0] ?? 0) & 0x0f;
  // ISO 9564-1 §9.3.3: PIN length 4 to 12.
  if (length < MIN_PIN || length > MAX_PIN) {
    throw invalid('length', `PIN block length field is ${length}, expected ${MIN_PIN} to ${MAX_PIN}`);
  }
  let digits = '';
  for (let i = 0; i < length; i++) {
    const byte = block[1 + (i >> 1)] ?? 0;
    const nibble = i % 2 === 0 ? byte >> 4 : byte & 0x0f;
    // ISO 9564-1 §9.3.3: PIN digit nibbles are 0000 to 1001.
    if (nibble > 9) throw invalid('digit', 'PIN block holds a non-decimal PIN digit');
    digits += String.fromCharCode(48 + nibble);
  }
  return new Sensitive(digits);
}

/**
 * The line's side: formats the PIN (format 1) and encrypts it under the zone
 * PIN key, wiping the clear block.
 *
 * @example
 *   const encrypted = encryptPinBlock(new Sensitive('2580'), zpk); // 8 bytes
 */
export function encryptPinBlock(pin: Sensitive<string>, zpk: Buffer): Buffer {
  const clear = encodePinBlockFormat1(pin);
  try {
    return tdesEncryptBlock(zpk, clear);
  } finally {
    clear.fill(0);
  }
}

/**
 * The bank's (HSM's) side: decrypts under the zone PIN key and reads the PIN,
 * wiping the clear block.
 *
 * @example
 *   decryptPinBlock(encryptPinBlock(new Sensitive('2580'), zpk), zpk).reveal(); // '2580'
 */
export function decryptPinBlock(block: Buffer, zpk: Buffer): Sensitive<string> {
  const clear = tdesDecryptBlock(zpk, block);
  try {
    return decodePinBlockFormat1(clear);
  } finally {
    clear.fill(0);
  }
}
