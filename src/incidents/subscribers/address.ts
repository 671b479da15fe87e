import { domainToASCII } from 'node:url';
import { ClaveError } from '../../shared/index.ts';

export type SubscriptionChannel = 'email' | 'sms';

// ITU-T E.164 §6.1: at most 15 digits, country code first (never 0).
const E164 = /^\+[1-9][0-9]{6,14}$/;
// RFC 5322 §3.4.1 addr-spec with an ASCII dot-atom local part. Quoted local
// parts are refused (no mail service hands them out, and they carry spaces and
// quotes), and so are RFC 6531 UTF-8 ones, which not every relay accepts.
const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// RFC 1035 §2.3.1 labels (after IDNA, RFC 5891): letters, digits, inner hyphens.
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Checks and normalises an address as given on the subscription form, so one
 * mailbox or phone has one subscription. E-mail: trimmed, lower-cased (mail
 * services treat local parts case-insensitively in practice), an IDN domain
 * in its ASCII form, within RFC 5321 §4.5.3.1 lengths (64 local, 254 whole).
 * SMS: E.164, spaces, dots, dashes and brackets dropped, a leading 00 read as +.
 * The error never repeats the address (errors get logged; addresses must not).
 *
 * @example
 *   normaliseAddress('email', ' Ana.Garcia@Ejemplo.ES ') // 'ana.garcia@ejemplo.es'
 *   normaliseAddress('sms', '0034 600 11 22 33')        // '+34600112233'
 */
export function normaliseAddress(channel: SubscriptionChannel, raw: string): string {
  return channel === 'sms' ? normalisePhone(raw) : normaliseEmail(raw);
}

function normalisePhone(raw: string): string {
  let s = raw.trim().replace(/[\s().-]/g, '');
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  if (!E164.test(s)) throw invalid('sms', 'is not a phone number in international format (+34…)');
  return s;
}

function normaliseEmail(raw: string): string {
  const s = raw.trim().toLowerCase();
  const at = s.lastIndexOf('@');
  if (at < 1 || at === s.length - 1) throw invalid('email', 'is not an e-mail address');
  const local = s.slice(0, at);
  const domain = domainToASCII(s.slice(at + 1));
  const labels = domain.split('.');
  const ok =
    local.length <= 64 &&
    LOCAL.test(local) &&
    domain.length > 0 &&
    labels.length >= 2 &&
    labels.every((l) => LABEL.test(l)) &&
    !/^[0-9]+$/.test(labels.at(-1) ?? '');
  const address = `${local}@${domain}`;
  if (!ok || address.length > 254) throw invalid('email', 'is not an e-mail address');
  return address;
}

function invalid(channel: SubscriptionChannel, what: string): ClaveError {
  return new ClaveError('INVALID_ARGUMENT', `The address ${what}`, { field: 'address', channel });
}
