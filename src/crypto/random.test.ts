import { describe, expect, it } from 'vitest';
import { randomDigits, randomPassword } from './random.ts';

describe('random secrets', () => {
  it('gives n decimal digits', () => {
    expect(randomDigits(8)).toMatch(/^\d{8}$/);
    expect(randomDigits(1)).toMatch(/^\d$/);
    expect(() => randomDigits(0)).toThrow(RangeError);
  });

  it('uses every digit over many draws', () => {
    const seen = new Set(randomDigits(2000));
    expect(seen.size).toBe(10);
  });

  it('gives passwords without look-alikes, with a digit, a lower and an upper letter', () => {
    for (let i = 0; i < 500; i++) {
      const p = randomPassword(8);
      expect(p).toHaveLength(8);
      expect(p).not.toMatch(/[0O1lIio]/);
      expect(p).toMatch(/\d/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[A-Z]/);
    }
    expect(randomPassword(3)).toHaveLength(3);
    expect(() => randomPassword(2)).toThrow(RangeError);
  });
});
