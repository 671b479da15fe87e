import { ClaveError } from '../../shared/index.ts';

/**
 * SMS text coding for SMPP 3.4 submit_sm: the GSM 7-bit default alphabet
 * where the whole text fits it, UCS-2 where it does not, and concatenated
 * parts with a user data header when one part is not enough.
 */

/** SMPP 3.4 §5.2.19 data_coding: 0x00 SMSC default alphabet (GSM 03.38 here), 0x08 UCS2 (ISO/IEC-10646). */
export type SmsDataCoding = 0x00 | 0x08;
export const DATA_CODING_GSM7 = 0x00;
export const DATA_CODING_UCS2 = 0x08;

/** SMPP 3.4 §5.2.12 esm_class bit 6: "UDHI Indicator (only relevant for MT short messages)". */
export const ESM_CLASS_UDHI = 0x40;

/** 3GPP TS 23.040 §9.2.3.24: 140 octets of user data = 160 septets or 70 UCS-2 units in one part. */
export const GSM7_SINGLE_PART = 160;
export const UCS2_SINGLE_PART = 70;
/** With the 6-octet concatenation header (§9.2.3.24.1) the room left is 153 septets or 67 UCS-2 units. */
export const GSM7_MULTI_PART = 153;
export const UCS2_MULTI_PART = 67;
/** The header's "maximum number of short messages" is one octet. */
export const MAX_PARTS = 255;

// 3GPP TS 23.038 §6.2.1: the default alphabet, indexed by septet value. 0x1B is the escape to the
// extension table and maps to no character of its own.
const DEFAULT_ALPHABET = [
  '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
  'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', null, 'Æ', 'æ', 'ß', 'É',
  ' ', '!', '"', '#', '¤', '%', '&', "'", '(', ')', '*', '+', ',', '-', '.', '/',
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
  '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
  'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
  '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
  'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
];
const ESCAPE = 0x1b;
// 3GPP TS 23.038 §6.2.1.1: the extension table reached through 0x1B (the page break is 0x0A).
const EXTENSION: ReadonlyArray<readonly [string, number]> = [
  ['\f', 0x0a], ['^', 0x14], ['{', 0x28], ['}', 0x29], ['\\', 0x2f],
  ['[', 0x3c], ['~', 0x3d], [']', 0x3e], ['|', 0x40], ['€', 0x65],
];

const toDefault = new Map<string, number>();
DEFAULT_ALPHABET.forEach((ch, code) => { if (ch !== null) toDefault.set(ch, code); });
const toExtension = new Map(EXTENSION);
const fromExtension = new Map(EXTENSION.map(([ch, code]) => [code, ch]));

/**
 * The text as unpacked GSM septets, one per octet (SMPP's usual form for
 * data_coding 0), or null when a character is in neither table. Each
 * returned group is one character: one septet, or the escape and its code.
 *
 * @example gsm7Groups('a€') // [[0x61], [0x1b, 0x65]]
 * @example gsm7Groups('acción') // null: ó is not in GSM 03.38
 */
export function gsm7Groups(text: string): number[][] | null {
  const groups: number[][] = [];
  for (const ch of text) {
    const basic = toDefault.get(ch);
    if (basic !== undefined) {
      groups.push([basic]);
      continue;
    }
    const ext = toExtension.get(ch);
    if (ext === undefined) return null;
    groups.push([ESCAPE, ext]);
  }
  return groups;
}

/**
 * Unpacked GSM septets back to text. An escape followed by a code the
 * extension table lacks shows the default-table character (3GPP TS 23.038
 * §6.2.1.1, note 1); an octet above 0x7F is not a septet and shows U+FFFD.
 *
 * @example decodeGsm7(Buffer.from([0x48, 0x1b, 0x65])) // 'H€'
 */
export function decodeGsm7(septets: Uint8Array): string {
  let text = '';
  for (let i = 0; i < septets.length; i++) {
    const code = septets[i] ?? 0;
    if (code === ESCAPE && i + 1 < septets.length) {
      const next = septets[++i] ?? 0;
      text += fromExtension.get(next) ?? DEFAULT_ALPHABET[next] ?? '\uFFFD';
      continue;
    }
    text += DEFAULT_ALPHABET[code] ?? (code === ESCAPE ? ' ' : '\uFFFD');
  }
  return text;
}

/** UTF-16 big-endian, what SMPP's UCS2 data_coding carries (characters beyond the BMP as surrogate pairs). */
export function encodeUcs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

export function decodeUcs2(octets: Uint8Array): string {
  const even = Buffer.from(octets.subarray(0, octets.length - (octets.length % 2)));
  return even.swap16().toString('utf16le');
}

export interface EncodedSms {
  dataCoding: SmsDataCoding;
  /** 0, or ESM_CLASS_UDHI when the parts carry a concatenation header. */
  esmClass: number;
  /** Each part's short_message octets, header included. */
  parts: Buffer[];
}

/**
 * Encodes a text for submit_sm: GSM 7-bit when every character is in
 * 3GPP TS 23.038's default alphabet or its extension table, else UCS-2.
 * A text that does not fit one part is split (an escape pair or a surrogate
 * pair is never cut) and every part starts with the 8-bit-reference
 * concatenation header of 3GPP TS 23.040 §9.2.3.24.1: `05 00 03 ref total seq`.
 * Throws DELIVERY_REJECTED beyond 255 parts.
 *
 * @example
 *   encodeSms('Tu código: 1234', 7)  // { dataCoding: 0x08, esmClass: 0, parts: [<15 UCS-2 units>] }
 *   encodeSms('x'.repeat(200), 7).parts.length  // 2: 153 + 47 septets, each after 05 00 03 07 02 0n
 */
export function encodeSms(text: string, ref: number): EncodedSms {
  const gsm = gsm7Groups(text);
  const chunks = gsm
    ? pack(gsm, GSM7_SINGLE_PART, GSM7_MULTI_PART)
    : pack(ucs2Groups(text), UCS2_SINGLE_PART, UCS2_MULTI_PART);
  const dataCoding = gsm ? DATA_CODING_GSM7 : DATA_CODING_UCS2;
  const bodies = chunks.map((units) => (gsm ? Buffer.from(units) : unitsToUcs2(units)));
  if (bodies.length === 1) return { dataCoding, esmClass: 0, parts: bodies };
  if (bodies.length > MAX_PARTS) {
    throw new ClaveError('DELIVERY_REJECTED', 'SMS text needs more than 255 parts', { reason: 'too_long', parts: bodies.length });
  }
  const total = bodies.length;
  const parts = bodies.map((body, i) => Buffer.concat([Buffer.from([0x05, 0x00, 0x03, ref & 0xff, total, i + 1]), body]));
  return { dataCoding, esmClass: ESM_CLASS_UDHI, parts };
}

function unitsToUcs2(units: number[]): Buffer {
  const out = Buffer.alloc(units.length * 2);
  units.forEach((unit, i) => out.writeUInt16BE(unit, i * 2));
  return out;
}

/** UTF-16 code units grouped so that a surrogate pair stays together. */
function ucs2Groups(text: string): number[][] {
  const groups: number[][] = [];
  for (const ch of text) groups.push(ch.length === 2 ? [ch.charCodeAt(0), ch.charCodeAt(1)] : [ch.charCodeAt(0)]);
  return groups;
}

/** One chunk when everything fits `single`, else greedy chunks of at most `multi` units, never splitting a group. */
function pack(groups: number[][], single: number, multi: number): number[][] {
  const total = groups.reduce((n, g) => n + g.length, 0);
  if (total <= single) return [groups.flat()];
  const chunks: number[][] = [];
  let current: number[] = [];
  for (const group of groups) {
    if (current.length + group.length > multi) {
      chunks.push(current);
      current = [];
    }
    current.push(...group);
  }
  chunks.push(current);
  return chunks;
}

export interface ConcatHeader {
  ref: number;
  total: number;
  seq: number;
}

export interface DecodedShortMessage {
  /** The user data header without its length octet, or null. */
  udh: Buffer | null;
  /** The concatenation element (8-bit or 16-bit reference), when the header holds one. */
  concat: ConcatHeader | null;
  text: string;
}

/**
 * The receiving side of encodeSms, for a test SMS centre: strips and reads
 * the user data header (when esm_class has UDHI) and decodes the rest.
 *
 * @example decodeShortMessage(0x00, 0x40, Buffer.from([5, 0, 3, 7, 2, 1, 0x41])) // { concat: { ref: 7, total: 2, seq: 1 }, text: 'A', ... }
 */
export function decodeShortMessage(dataCoding: number, esmClass: number, octets: Buffer): DecodedShortMessage {
  let udh: Buffer | null = null;
  let body = octets;
  if ((esmClass & ESM_CLASS_UDHI) !== 0 && octets.length > 0) {
    const udhl = octets[0] ?? 0;
    udh = octets.subarray(1, 1 + udhl);
    body = octets.subarray(1 + udhl);
  }
  const text = dataCoding === DATA_CODING_UCS2 ? decodeUcs2(body) : decodeGsm7(body);
  return { udh, concat: udh ? concatOf(udh) : null, text };
}

// 3GPP TS 23.040 §9.2.3.24: information elements are IEI, length, data; 0x00 is the
// 8-bit-reference concatenation element, 0x08 the 16-bit one (§9.2.3.24.8).
function concatOf(udh: Buffer): ConcatHeader | null {
  for (let i = 0; i + 1 < udh.length; i += 2 + (udh[i + 1] ?? 0)) {
    const iei = udh[i];
    const len = udh[i + 1] ?? 0;
    if (iei === 0x00 && len === 3 && i + 5 <= udh.length) {
      return { ref: udh[i + 2] ?? 0, total: udh[i + 3] ?? 0, seq: udh[i + 4] ?? 0 };
    }
    if (iei === 0x08 && len === 4 && i + 6 <= udh.length) {
      return { ref: udh.readUInt16BE(i + 2), total: udh[i + 4] ?? 0, seq: udh[i + 5] ?? 0 };
    }
  }
  return null;
}
