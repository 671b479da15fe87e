/**
 * Caller-ID normalisation to E.164 ("+" country code, national number) so
 * that a caller can be matched against the phones the bank holds (stored in
 * E.164). Caller IDs arrive in every shape a carrier chooses: E.164, with the
 * 00 international prefix, with the country code but no prefix, national, or
 * as a SIP/tel URI.
 */
export interface PhoneOptions {
  /** Country calling code assumed for national numbers, without "+", e.g. "34". */
  defaultCountryCode: string;
  /**
   * Digits of a national significant number in the default country (9 in
   * Spain). Tells "34600111222" (country code included) from a national
   * number; when unknown, digits that start with the country code are taken
   * as international.
   */
  nationalLength?: number;
}

/**
 * National significant number lengths of countries whose plan is closed and
 * has no trunk prefix (Spain: 9 digits, dialled as is). Others are configured.
 */
const NATIONAL_LENGTHS: Readonly<Record<string, number>> = { '34': 9 };

// ITU-T E.164 §6.1: an international number has at most 15 digits.
const E164_MAX_DIGITS = 15;
// Shorter than this is a service or internal number, never a registered phone.
const MIN_DIGITS = 7;

/**
 * The caller ID in E.164, or null when it is withheld or cannot be a phone.
 *
 * @example
 *   normalisePhone('0034 600 111 222', { defaultCountryCode: '34' }); // '+34600111222'
 *   normalisePhone('600111222', { defaultCountryCode: '34' });        // '+34600111222'
 *   normalisePhone('anonymous', { defaultCountryCode: '34' });        // null
 */
export function normalisePhone(callerId: string, opts: PhoneOptions): string | null {
  const raw = stripUri(callerId.trim());
  // RFC 3966 §3: visual separators ("-", ".", "(", ")") carry no meaning; spaces likewise in display.
  const compact = raw.replace(/[\s\-.()]/g, '');
  let international: string;
  if (compact.startsWith('+')) {
    international = compact.slice(1);
  } else if (compact.startsWith('00')) {
    international = compact.slice(2);
  } else {
    if (!/^\d+$/.test(compact)) return null;
    const withCc = withCountryCode(compact, opts);
    if (withCc === null) return null;
    international = withCc;
  }
  if (!/^[1-9]\d*$/.test(international)) return null;
  if (international.length < MIN_DIGITS || international.length > E164_MAX_DIGITS) return null;
  return '+' + international;
}

/**
 * Whether the caller ID is one of the registered phones (compared in E.164).
 * A withheld caller ID matches nothing.
 *
 * @example
 *   callerMatches('600111222', ['+34600111222'], { defaultCountryCode: '34' }); // true
 */
export function callerMatches(callerId: string | null, registered: readonly string[], opts: PhoneOptions): boolean {
  if (callerId === null) return false;
  const caller = normalisePhone(callerId, opts);
  if (caller === null) return false;
  return registered.some((phone) => normalisePhone(phone, opts) === caller);
}

function stripUri(value: string): string {
  const m = /^(?:sips?|tel):([^@;]*)/i.exec(value);
  return m ? (m[1] ?? '') : value;
}

function withCountryCode(digits: string, opts: PhoneOptions): string | null {
  const cc = opts.defaultCountryCode;
  const nationalLength = opts.nationalLength ?? NATIONAL_LENGTHS[cc];
  if (nationalLength === undefined) return digits.startsWith(cc) ? digits : cc + digits;
  if (digits.startsWith(cc) && digits.length === cc.length + nationalLength) return digits;
  return digits.length === nationalLength ? cc + digits : null;
}
