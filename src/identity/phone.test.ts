import { describe, expect, it } from 'vitest';
import { callerMatches, normalisePhone } from './phone.ts';

const es = { defaultCountryCode: '34' };

describe('normalisePhone', () => {
  it.each([
    ['+34600111222', '+34600111222'],
    ['0034600111222', '+34600111222'],
    ['34600111222', '+34600111222'],
    ['600111222', '+34600111222'],
    ['+34 600 11 12 22', '+34600111222'],
    ['600-111-222', '+34600111222'],
    ['(+34) 950.12.34.56', '+34950123456'],
    ['sip:+34600111222@carrier.example;user=phone', '+34600111222'],
    ['tel:+34-600-111-222', '+34600111222'],
    ['SIP:600111222@10.0.0.1', '+34600111222'],
    ['+447700900123', '+447700900123'],
    ['00447700900123', '+447700900123'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalisePhone(input, es)).toBe(expected);
  });

  it.each(['', 'anonymous', 'Restricted', '+', '+0034600111222', '12345', '+1234567890123456', 'sip:anonymous@host', '60011x222'])(
    'gives null for %j',
    (input) => {
      expect(normalisePhone(input, es)).toBeNull();
    },
  );

  it('uses the configured national length for other countries', () => {
    const pt = { defaultCountryCode: '351', nationalLength: 9 };
    expect(normalisePhone('912345678', pt)).toBe('+351912345678');
    expect(normalisePhone('351912345678', pt)).toBe('+351912345678');
  });

  it('without a known national length takes digits starting with the country code as international', () => {
    const xx = { defaultCountryCode: '44' };
    expect(normalisePhone('447700900123', xx)).toBe('+447700900123');
    expect(normalisePhone('7700900123', xx)).toBe('+447700900123');
  });

  it('does not mistake a Spanish national number starting with 34 for a country code', () => {
    // 9 digits: national, even though it starts with "34".
    expect(normalisePhone('345678901', es)).toBe('+34345678901');
  });
});

describe('callerMatches', () => {
  const registered = ['+34600111222', '+34950123456'];

  it.each(['+34600111222', '0034600111222', '34600111222', '600111222', '950 12 34 56'])('matches %j', (caller) => {
    expect(callerMatches(caller, registered, es)).toBe(true);
  });

  it.each(['+34600111223', '+33600111222', 'anonymous', ''])('does not match %j', (caller) => {
    expect(callerMatches(caller, registered, es)).toBe(false);
  });

  it('a withheld caller ID matches nothing', () => {
    expect(callerMatches(null, registered, es)).toBe(false);
  });
});
