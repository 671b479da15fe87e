import { describe, expect, it } from 'vitest';
import { SimulatedClock, sleep } from './clock.ts';
import { repeat } from './repeat.ts';

describe('repeat', () => {
  it('runs each round the delay after the previous one ended, goes on after a failure, and stops', async () => {
    const clock = new SimulatedClock(0);
    const runs: number[] = [];
    const errors: unknown[] = [];
    const job = repeat(
      clock,
      () => 1000,
      async () => {
        runs.push(clock.now());
        if (runs.length === 2) throw new Error('bad round');
        await sleep(clock, 500); // a round that takes time: the next one waits for it
      },
      (err) => errors.push(err),
    );
    await clock.advance(999);
    expect(runs).toEqual([]);
    await clock.advance(1);
    expect(runs).toEqual([1000]);
    await clock.advance(1500);
    expect(runs).toEqual([1000, 2500]);
    expect(errors).toEqual([new Error('bad round')]);
    await clock.advance(1000);
    expect(runs).toEqual([1000, 2500, 3500]);
    job.stop();
    await clock.advance(10_000);
    expect(runs).toEqual([1000, 2500, 3500]);
    expect(clock.pending).toBe(0);
  });
});
