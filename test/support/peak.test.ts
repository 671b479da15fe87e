import { describe, expect, it } from 'vitest';
import { peak } from './peak.ts';

describe('peak', () => {
  it('counts the most intervals open at once; one ending where another starts does not overlap it', () => {
    expect(peak([])).toBe(0);
    expect(peak([[0, 10], [5, 15], [10, 20]])).toBe(2);
    expect(peak([[0, 10], [10, 20], [20, 30]])).toBe(1);
    expect(peak([[30, 40], [0, 100], [35, 36], [10, 20]])).toBe(3);
  });
});
