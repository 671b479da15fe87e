import { describe, expect, it } from 'vitest';
import { dniFromDigits, isValidDni, isValidNie, nieFromKeys, normaliseDocumentNumber } from './document.ts';

describe('DNI', () => {
  it.each([
    ['12345678', '12345678Z'],
    ['48291736', '48291736Q'],
    ['71593024', '71593024G'],
    ['00000000', '00000000T'],
    ['00000023', '00000023T'],
    ['00000022', '00000022E'],
  ])('computes the control letter of %s', (digits, expected) => {
    expect(dniFromDigits(digits)).toBe(expected);
    expect(isValidDni(expected)).toBe(true);
  });

  it.each(['1234567', '123456789', '1234567a', '', ' 12345678'])('refuses keyed digits %j', (digits) => {
    expect(dniFromDigits(digits)).toBeNull();
  });

  it.each(['12345678A', '12345678z', '1234567Z', 'X1234567L', '12345678'])('rejects %j as a DNI', (value) => {
    expect(isValidDni(value)).toBe(false);
  });
});

describe('NIE', () => {
  it.each([
    ['0', '1234567', 'X1234567L'],
    ['1', '4829173', 'Y4829173S'],
    ['2', '0000000', 'Z0000000M'],
  ] as const)('maps key %s and digits %s to %s', (key, digits, expected) => {
    expect(nieFromKeys(key, digits)).toBe(expected);
    expect(isValidNie(expected)).toBe(true);
  });

  it.each([
    ['3', '1234567'],
    ['X', '1234567'],
    ['0', '123456'],
    ['0', '12345678'],
    ['0', '12345a7'],
  ])('refuses key %j with digits %j', (key, digits) => {
    expect(nieFromKeys(key, digits)).toBeNull();
  });

  it.each(['X1234567A', 'W1234567L', 'X123456L', '12345678Z', 'x1234567l'])('rejects %j as a NIE', (value) => {
    expect(isValidNie(value)).toBe(false);
  });
});

describe('normaliseDocumentNumber', () => {
  it('drops separators and upper-cases', () => {
    expect(normaliseDocumentNumber(' x-1234567-l ')).toBe('X1234567L');
    expect(normaliseDocumentNumber('12.345.678-z')).toBe('12345678Z');
  });
});
