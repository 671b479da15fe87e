import { describe, expect, it } from 'vitest';
import { ClaveError } from '../../shared/index.ts';
import { normaliseAddress } from './address.ts';

function refusal(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err instanceof ClaveError ? { code: err.code, details: err.details, message: err.message } : err;
  }
  return 'accepted';
}

describe('normaliseAddress', () => {
  it('normalises e-mail addresses, IDN domains included', () => {
    expect(normaliseAddress('email', ' Ana.Garcia+avisos@Ejemplo.ES ')).toBe('ana.garcia+avisos@ejemplo.es');
    expect(normaliseAddress('email', "o'hara&co@example.com")).toBe("o'hara&co@example.com");
    expect(normaliseAddress('email', 'jose@Correos.España.es')).toBe('jose@correos.xn--espaa-rta.es');
  });

  it('refuses what is not a plain address, without repeating it', () => {
    for (const bad of ['ana', 'ana@', '@example.com', 'ana@example', 'ana@@example.com', 'a b@example.com', '"ana"@example.com',
      'ana@example.com\r\nBcc: x@example.com', 'josé@example.com', 'ana@-example.com', 'ana..garcia@example.com', 'ana@example.123', `${'a'.repeat(65)}@example.com`]) {
      expect(refusal(() => normaliseAddress('email', bad)), bad).toEqual({
        code: 'INVALID_ARGUMENT', details: { field: 'address', channel: 'email' }, message: 'The address is not an e-mail address',
      });
    }
  });

  it('reads phone numbers as E.164', () => {
    expect(normaliseAddress('sms', '+34 600 11 22 33')).toBe('+34600112233');
    expect(normaliseAddress('sms', '0034 (600) 11-22-33')).toBe('+34600112233');
    expect(normaliseAddress('sms', '+39.333.1234567')).toBe('+393331234567');
    for (const bad of ['600112233', '+0600112233', '+34 600', '+3460011223344556', '+34600abc233', 'ana@example.com']) {
      expect((refusal(() => normaliseAddress('sms', bad)) as { details: unknown }).details, bad).toEqual({ field: 'address', channel: 'sms' });
    }
  });
});
