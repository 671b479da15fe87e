import { describe, expect, it } from 'vitest';
import { seqAdd, seqDiff, seqNewer, tsAdd, tsDiff, tsNewer } from './sequence.ts';

describe('sequence numbers (16 bits)', () => {
  it('measures distance across the wrap', () => {
    expect(seqDiff(2, 65534)).toBe(4);
    expect(seqDiff(65534, 2)).toBe(-4);
    expect(seqDiff(100, 100)).toBe(0);
    expect(seqDiff(32767, 0)).toBe(32767);
    expect(seqDiff(32768, 0)).toBe(-32768);
  });

  it('orders across the wrap', () => {
    expect(seqNewer(0, 65535)).toBe(true);
    expect(seqNewer(65535, 0)).toBe(false);
    expect(seqNewer(5, 5)).toBe(false);
  });

  it('adds modulo 2^16', () => {
    expect(seqAdd(65535, 1)).toBe(0);
    expect(seqAdd(0, -1)).toBe(65535);
  });
});

describe('timestamps (32 bits)', () => {
  it('measures distance across the wrap', () => {
    expect(tsDiff(80, 0xffffffb0)).toBe(160);
    expect(tsDiff(0xffffffb0, 80)).toBe(-160);
    expect(tsDiff(0x7fffffff, 0)).toBe(0x7fffffff);
  });

  it('orders across the wrap', () => {
    expect(tsNewer(0, 0xffffff60)).toBe(true);
    expect(tsNewer(0xffffff60, 0)).toBe(false);
  });

  it('adds modulo 2^32 and stays unsigned', () => {
    expect(tsAdd(0xffffffff, 161)).toBe(160);
    expect(tsAdd(0x7fffffff, 1)).toBe(0x80000000);
  });
});
