import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MediaClock, PTIME_MS } from './media-clock.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Groups tick times into runs: ticks delivered back to back in one timer callback. */
function runs(times: number[]): number[][] {
  const out: number[][] = [];
  for (const t of times) {
    const last = out.at(-1);
    if (last && t - last.at(-1)! < 0.3) last.push(t);
    else out.push([t]);
  }
  return out;
}

/**
 * Time the test moves by hand, with fake timers in step with it. `stall`
 * moves time without running timers, as a busy event loop does, then runs
 * the timer that came due meanwhile, late.
 */
function manualTime() {
  vi.useFakeTimers();
  let t = 1000;
  return {
    now: () => t,
    advance(ms: number) {
      for (let i = 0; i < ms; i++) {
        t += 1;
        vi.advanceTimersByTime(1);
      }
    },
    stall(ms: number) {
      t += ms;
      vi.runOnlyPendingTimers();
    },
  };
}

describe('MediaClock', () => {
  const stops: (() => void)[] = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    vi.useRealTimers();
  });

  it('ticks every 20 ms against absolute deadlines: ~100 ticks in 2 s', async () => {
    const clock = new MediaClock();
    let ticks = 0;
    const t0 = performance.now();
    stops.push(clock.add(() => ticks++));
    await sleep(2000);
    const elapsed = performance.now() - t0;
    const expected = Math.floor(elapsed / PTIME_MS);
    // Every 20 ms of real time is a tick, delivered or (after a stall) skipped.
    expect(Math.abs(ticks + clock.skipped - expected), `skipped ${clock.skipped}`).toBeLessThanOrEqual(1);
    // Most are delivered; a loaded test machine may stall the loop now and then.
    expect(ticks, `skipped ${clock.skipped}, worst lateness ${clock.worstLateMs} ms`).toBeGreaterThanOrEqual(80);
    expect(ticks).toBeLessThanOrEqual(103);
  });

  it('passes consecutive tick numbers to every subscriber', () => {
    const time = manualTime();
    const clock = new MediaClock({ now: time.now });
    const a: number[] = [];
    const b: number[] = [];
    stops.push(clock.add((n) => a.push(n)));
    time.advance(30);
    stops.push(clock.add((n) => b.push(n)));
    time.advance(170);
    expect(a).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(b).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(clock.size).toBe(2);
  });

  it('catches up a short stall tick by tick, without skipping', () => {
    const time = manualTime();
    const clock = new MediaClock({ maxCatchUp: 3, now: time.now });
    const times: number[] = [];
    stops.push(clock.add(() => times.push(time.now())));
    time.advance(100);
    // 50 ms blocked: two ticks come due at once, within maxCatchUp.
    time.stall(50);
    time.advance(100);
    expect(clock.skipped).toBe(0);
    expect(runs(times).map((r) => r.length)).toEqual([1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1]);
    expect(clock.worstLateMs).toBe(30);
  });

  it('after a long stall runs at most maxCatchUp ticks at once, drops the backlog and keeps the pace', () => {
    const time = manualTime();
    const clock = new MediaClock({ maxCatchUp: 3, now: time.now });
    const ticks: number[] = [];
    const times: number[] = [];
    stops.push(clock.add((n) => {
      ticks.push(n);
      times.push(time.now());
    }));
    time.advance(100);
    const before = times.length;
    time.stall(300); // 15 ticks due
    time.advance(200);
    const grouped = runs(times.slice(before));
    expect(grouped.map((r) => r.length)).toEqual([3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(clock.skipped).toBe(12);
    expect(clock.worstLateMs).toBe(280);
    // Tick numbers go on from the real time: the dropped ones are the oldest.
    expect(ticks.slice(before, before + 4)).toEqual([18, 19, 20, 21]);
    // Then one tick per 20 ms again.
    const gaps = grouped.slice(1).map((r, i) => r[0]! - grouped[i]!.at(-1)!);
    expect(new Set(gaps)).toEqual(new Set([20]));
  });

  it('keeps ticking the other subscribers when one throws, and reports the error', () => {
    const time = manualTime();
    const errors: unknown[] = [];
    const clock = new MediaClock({ onError: (err) => errors.push(err), now: time.now });
    let good = 0;
    stops.push(clock.add(() => {
      throw new Error('a call bug');
    }));
    stops.push(clock.add(() => good++));
    time.advance(120);
    expect(good).toBe(6);
    expect(errors.length).toBe(6);
    expect((errors[0] as Error).message).toBe('a call bug');
  });

  it('stops when the last subscriber leaves and starts afresh on the next', () => {
    const time = manualTime();
    const clock = new MediaClock({ now: time.now });
    let ticks = 0;
    const off = clock.add(() => ticks++);
    time.advance(70);
    off();
    expect(clock.size).toBe(0);
    expect(ticks).toBe(3);
    expect(vi.getTimerCount()).toBe(0);
    time.advance(70);
    expect(ticks).toBe(3);
    const seen: number[] = [];
    stops.push(clock.add((n) => seen.push(n)));
    time.advance(70);
    // Tick numbers restart: the new loop's origin is the new subscription.
    expect(seen).toEqual([1, 2, 3]);
  });

  it('runs one loop when a subscriber leaves and another joins inside a tick', () => {
    const time = manualTime();
    const clock = new MediaClock({ now: time.now });
    let joined = 0;
    let off: () => void = () => {};
    off = clock.add(() => {
      off();
      stops.push(clock.add(() => joined++));
    });
    time.advance(500);
    // One loop: 25 ticks in 500 ms (the newcomer joins tick 1); two loops would give more.
    expect(joined).toBe(25);
    expect(vi.getTimerCount()).toBe(1);
  });
});
