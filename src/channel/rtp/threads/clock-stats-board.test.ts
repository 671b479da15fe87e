import { describe, expect, it } from 'vitest';
import { MediaClock } from '../media-clock.ts';
import { ClockStatsBoard } from './clock-stats-board.ts';

describe('ClockStatsBoard', () => {
  it('sums the workers\' streams and skipped ticks, keeps the worst lateness, and moves a clock\'s counters into its slot', () => {
    const board = new ClockStatsBoard(2);
    const a = new MediaClock();
    const b = new MediaClock();
    const stopA = a.add(() => {});
    const stopB = [b.add(() => {}), b.add(() => {})];
    a.worstLateMs = 3.5;
    a.skipped = 2;
    b.worstLateMs = 12.25;
    b.skipped = 1;
    ClockStatsBoard.publish(board.buffer, 0, a);
    ClockStatsBoard.publish(board.buffer, 1, b);
    expect(board.size).toBe(3);
    expect(board.skipped).toBe(3);
    expect(board.worstLateMs).toBe(12.25);
    // Drained: publishing again adds nothing twice.
    expect(a.skipped).toBe(0);
    expect(a.worstLateMs).toBe(0);
    ClockStatsBoard.publish(board.buffer, 0, a);
    expect(board.skipped).toBe(3);
    // A later, smaller lateness does not lower the worst.
    b.worstLateMs = 1;
    ClockStatsBoard.publish(board.buffer, 1, b);
    expect(board.worstLateMs).toBe(12.25);
    stopA();
    for (const stop of stopB) stop();
  });

  it('resets by writing 0, as bench:sip does before each level, and forgets a dead worker\'s streams', () => {
    const board = new ClockStatsBoard(2);
    const clock = new MediaClock();
    const stop = clock.add(() => {});
    clock.worstLateMs = 40;
    clock.skipped = 5;
    ClockStatsBoard.publish(board.buffer, 1, clock);
    board.worstLateMs = 0;
    board.skipped = 0;
    expect(board.worstLateMs).toBe(0);
    expect(board.skipped).toBe(0);
    expect(board.size).toBe(1);
    board.clearSize(1);
    expect(board.size).toBe(0);
    stop();
  });
});
