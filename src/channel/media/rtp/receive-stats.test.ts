import { describe, expect, it } from 'vitest';
import { RtpReceiveStats } from './receive-stats.ts';

/** Feeds packets `seqs` 20 ms apart with matching timestamps, from `firstSeq`'s slot. */
function feed(stats: RtpReceiveStats, seqs: number[], firstSeq: number, t0 = 0): boolean[] {
  return seqs.map((seq) => {
    const slot = (seq - firstSeq) & 0xffff;
    return stats.update(seq, (1000 + slot * 160) >>> 0, t0 + slot * 20);
  });
}

describe('RtpReceiveStats', () => {
  it('puts a new source on probation, then counts across the sequence wrap', () => {
    const stats = new RtpReceiveStats(8000);
    const seqs = [65533, 65534, 65535, 0, 1, 2];
    expect(feed(stats, seqs, 65533)).toEqual([false, true, true, true, true, true]);
    const block = stats.report(0xabc);
    expect(block).toEqual({ ssrc: 0xabc, fractionLost: 0, cumulativeLost: 0, highestSequence: 0x10002, jitter: 0, lastSr: 0, delaySinceLastSr: 0 });
  });

  it('counts losses and the fraction lost per report interval', () => {
    const stats = new RtpReceiveStats(8000);
    // 100..109 with 104 and 105 missing.
    feed(stats, [100, 101, 102, 103, 106, 107, 108, 109], 100);
    const first = stats.report(1);
    expect(first.cumulativeLost).toBe(2);
    expect(first.highestSequence).toBe(109);
    // 9 expected since the base (101..109), 2 lost: floor(2 * 256 / 9).
    expect(first.fractionLost).toBe(56);
    feed(stats, [110, 111, 112, 113], 100);
    const second = stats.report(1);
    expect(second.fractionLost).toBe(0);
    expect(second.cumulativeLost).toBe(2);
  });

  it('computes interarrival jitter as RFC 3550 A.8 does', () => {
    const stats = new RtpReceiveStats(8000);
    stats.update(1, 0, 0);
    stats.update(2, 160, 20);
    stats.update(3, 320, 40);
    expect(stats.report(1).jitter).toBe(0);
    // 5 ms late: D = 40 timestamp units, J = 40 / 16 = 2.5.
    stats.update(4, 480, 65);
    expect(stats.report(1).jitter).toBe(2);
    // Back on time: |D| = 40 again, J = 2.5 + (40 - 2.5) / 16 = 4.84.
    stats.update(5, 640, 80);
    expect(stats.report(1).jitter).toBe(4);
  });

  it('re-syncs after a large jump confirmed by two sequential packets', () => {
    const stats = new RtpReceiveStats(8000);
    feed(stats, [10, 11, 12], 10);
    expect(stats.update(30000, 99, 100)).toBe(false);
    expect(stats.update(30001, 259, 120)).toBe(true);
    expect(stats.received).toBe(1);
    expect(stats.report(1).highestSequence).toBe(30001);
  });

  it('counts a reordered or duplicate packet as received without moving the highest', () => {
    const stats = new RtpReceiveStats(8000);
    feed(stats, [1, 2, 3, 4], 1);
    expect(stats.update(3, 320, 90)).toBe(true);
    const block = stats.report(1);
    expect(block.highestSequence).toBe(4);
    expect(block.cumulativeLost).toBe(-1);
  });
});
