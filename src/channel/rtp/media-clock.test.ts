import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaClock, PTIME_MS } from './media-clock.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Keeps the event loop busy, as a long synchronous job in a call would. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

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

describe('MediaClock', () => {
  const stops: (() => void)[] = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
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
    expect(ticks, `skipped ${clock.skipped}, worst lateness ${clock.worstLateMs} ms`).toBeGreaterThanOrEqual(97);
    expect(ticks).toBeLessThanOrEqual(103);
  });

  it('passes consecutive tick numbers to every subscriber', async () => {
    const clock = new MediaClock();
    const a: number[] = [];
    const b: number[] = [];
    stops.push(clock.add((n) => a.push(n)));
    stops.push(clock.add((n) => b.push(n)));
    await sleep(200);
    expect(a.length).toBeGreaterThanOrEqual(5);
    expect(a).toEqual(a.map((_, i) => a[0]! + i));
    expect(b).toEqual(a.slice(-b.length));
    expect(clock.size).toBe(2);
  });

  it('catches up a short stall tick by tick, without skipping', async () => {
    const clock = new MediaClock({ maxCatchUp: 3 });
    const times: number[] = [];
    stops.push(clock.add(() => times.push(performance.now())));
    await sleep(100);
    // 50 ms blocked: two or three ticks come due at once, all within maxCatchUp.
    block(50);
    await sleep(100);
    expect(clock.skipped).toBe(0);
    const burst = Math.max(...runs(times).map((r) => r.length));
    expect(burst).toBeGreaterThanOrEqual(2);
    expect(burst).toBeLessThanOrEqual(3);
  });

  it('after a long stall runs at most maxCatchUp ticks at once, drops the backlog and keeps the pace', async () => {
    const clock = new MediaClock({ maxCatchUp: 3 });
    const times: number[] = [];
    stops.push(clock.add(() => times.push(performance.now())));
    await sleep(100);
    const before = times.length;
    block(300); // 15 ticks due
    await sleep(200);
    const after = times.slice(before);
    const grouped = runs(after);
    expect(grouped[0]!.length).toBe(3);
    expect(Math.max(...grouped.map((r) => r.length))).toBe(3);
    expect(clock.skipped).toBeGreaterThanOrEqual(11);
    expect(clock.skipped).toBeLessThanOrEqual(14);
    expect(clock.worstLateMs).toBeGreaterThan(200);
    // Then one tick per 20 ms again: no second burst.
    const gaps = grouped.slice(1).map((r, i) => r[0]! - grouped[i]!.at(-1)!);
    for (const gap of gaps.slice(1)) expect(gap).toBeGreaterThan(8);
    expect(grouped.slice(2).every((r) => r.length === 1)).toBe(true);
  });

  it('keeps ticking the other subscribers when one throws, and reports the error', async () => {
    const errors: unknown[] = [];
    const clock = new MediaClock({ onError: (err) => errors.push(err) });
    let good = 0;
    stops.push(clock.add(() => {
      throw new Error('a call bug');
    }));
    stops.push(clock.add(() => good++));
    await sleep(120);
    expect(good).toBeGreaterThanOrEqual(4);
    expect(errors.length).toBe(good);
    expect((errors[0] as Error).message).toBe('a call bug');
  });

  it('stops when the last subscriber leaves and starts afresh on the next', async () => {
    const clock = new MediaClock();
    let ticks = 0;
    const off = clock.add(() => ticks++);
    await sleep(70);
    off();
    expect(clock.size).toBe(0);
    const stopped = ticks;
    await sleep(70);
    expect(ticks).toBe(stopped);
    const seen: number[] = [];
    stops.push(clock.add((n) => seen.push(n)));
    await sleep(70);
    // Tick numbers restart: the new loop's origin is the new subscription.
    expect(seen[0]).toBe(1);
  });

  it('runs one loop when a subscriber leaves and another joins inside a tick', async () => {
    const clock = new MediaClock();
    let joined = 0;
    let off: () => void = () => {};
    off = clock.add(() => {
      off();
      stops.push(clock.add(() => joined++));
    });
    await sleep(500);
    // One loop: ~24 ticks in ~480 ms; two loops would give twice that.
    expect(joined).toBeGreaterThanOrEqual(20);
    expect(joined).toBeLessThanOrEqual(26);
  });
});
