import { describe, expect, it } from 'vitest';
import { joinClips, trimSilence } from './clip-edit.ts';

describe('trimSilence', () => {
  it('cuts leading and trailing silence, keeping a 30 ms margin (240 samples)', () => {
    const clip = new Int16Array(2000);
    clip.fill(1000, 500, 700);
    clip[400] = 100; // below the threshold: still silence
    const trimmed = trimSilence(clip);
    expect(trimmed.length).toBe(200 + 2 * 240);
    expect(trimmed.byteOffset).toBe((500 - 240) * 2);
  });

  it('keeps what lies within the margin of the edges', () => {
    const clip = new Int16Array(300);
    clip.fill(-5000, 10, 290);
    expect(trimSilence(clip).length).toBe(300);
  });

  it('returns nothing for pure silence', () => {
    expect(trimSilence(new Int16Array(800)).length).toBe(0);
  });
});

describe('joinClips', () => {
  it('puts the gap between clips only, skipping empty ones', () => {
    const out = joinClips([new Int16Array([1, 2]), new Int16Array(0), new Int16Array([3])], 0.25);
    expect([...out]).toEqual([1, 2, 0, 0, 3]);
    expect(joinClips([], 250).length).toBe(0);
  });
});
