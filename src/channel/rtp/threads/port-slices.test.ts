import { describe, expect, it } from 'vitest';
import { portSlices } from './port-slices.ts';

describe('portSlices', () => {
  it('splits the default range into equal halves of whole even/odd pairs', () => {
    expect(portSlices({ min: 20000, max: 29999 }, 2)).toEqual([
      { min: 20000, max: 24999 },
      { min: 25000, max: 29999 },
    ]);
  });

  it('starts on an even port, keeps slices disjoint and within the range, and differs by at most one pair', () => {
    const slices = portSlices({ min: 15001, max: 15020 }, 3);
    // 15002..15019: nine pairs, three each; 15001 and 15020 cannot start a pair.
    expect(slices).toEqual([
      { min: 15002, max: 15007 },
      { min: 15008, max: 15013 },
      { min: 15014, max: 15019 },
    ]);
    const uneven = portSlices({ min: 40000, max: 40009 }, 2).map((s) => (s ? (s.max - s.min + 1) / 2 : 0));
    expect(uneven).toEqual([2, 3]);
  });

  it('leaves a slice empty (null) when there are more threads than pairs', () => {
    expect(portSlices({ min: 40000, max: 40003 }, 3)).toEqual([null, { min: 40000, max: 40001 }, { min: 40002, max: 40003 }]);
  });
});
