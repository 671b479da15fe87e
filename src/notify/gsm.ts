/**
 * GSM 03.38 (3GPP TS 23.038 §6.2.1) 7-bit default alphabet and its extension
 * table. A single-part SMS holds 160 septets; an extension character costs
 * two (escape + char). Any character outside both tables forces UCS-2, which
 * holds only 70 characters per part.
 */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION = '\f^{}\\[~]|€';

const basic = new Set(BASIC);
const extension = new Set(EXTENSION);

/**
 * Septets a text takes in the GSM 7-bit alphabet, or null when it needs UCS-2.
 *
 * @example gsmSeptets('Code: 1234') // 10
 * @example gsmSeptets('código')     // null (ó is not in GSM 03.38)
 */
export function gsmSeptets(text: string): number | null {
  let n = 0;
  for (const ch of text) {
    if (basic.has(ch)) n += 1;
    else if (extension.has(ch)) n += 2;
    else return null;
  }
  return n;
}

/** Characters that fit one SMS part. */
export const SMS_SINGLE_PART_SEPTETS = 160;
