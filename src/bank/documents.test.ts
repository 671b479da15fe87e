import { describe, expect, it } from 'vitest';
import { documentProblem } from './documents.ts';
import { luhnValid, synthesisePan } from './pan.ts';

describe('Spanish document numbers', () => {
  it.each([
    ['DNI', '12345678Z'],
    ['DNI', '48291736Q'],
    ['DNI', '00000000T'],
    ['NIE', 'X1234567L'],
    ['NIE', 'Y4829173S'],
    ['NIE', 'Z0000000M'],
    ['CIF', 'B04123451'],
    ['CIF', 'Q2826000H'], // a public body: letter control
    ['PASSPORT', 'PAA123456'],
  ] as const)('%s %s is valid', (type, number) => {
    expect(documentProblem(type, number)).toBeNull();
  });

  it.each([
    ['DNI', '12345678A', 'control letter should be Z'],
    ['DNI', '1234567Z', 'must be 8 digits and a letter'],
    ['NIE', 'X1234567A', 'control letter should be L'],
    ['NIE', 'W1234567L', 'must be X, Y or Z, 7 digits and a letter'],
    ['CIF', 'B04123452', 'control character does not match'],
    ['CIF', 'Q28260008', 'control character does not match'],
    ['PASSPORT', 'AB-1', 'must be 5 to 20 letters or digits'],
  ] as const)('%s %s: %s', (type, number, problem) => {
    expect(documentProblem(type, number)).toBe(problem);
  });
});

describe('synthetic PANs', () => {
  it('are 16 digits, Luhn-valid, end in last4, stable per customer', () => {
    const pan = synthesisePan('CUS-0001', '4821');
    expect(pan).toMatch(/^999001\d{6}4821$/);
    expect(luhnValid(pan)).toBe(true);
    expect(synthesisePan('CUS-0001', '4821')).toBe(pan);
    expect(synthesisePan('CUS-0002', '4821')).not.toBe(pan);
    for (let i = 0; i < 200; i++) expect(luhnValid(synthesisePan(`C-${i}`, String(i).padStart(4, '0')))).toBe(true);
  });

  it('Luhn check on known numbers', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });
});
