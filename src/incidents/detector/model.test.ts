import { describe, expect, it } from 'vitest';
import { emptyState, observeMinute, slotOf, type DetectorState } from './model.ts';
import { poisson, seededRandom } from './replay.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const KEY = 'calls:950183313';

/** Calls per minute of a normal weekday at the unlock line: quiet nights, a morning and an afternoon peak. */
function normalRate(minuteOfDay: number): number {
  const h = minuteOfDay / 60;
  const bump = (centre: number, width: number, height: number) => height * Math.exp(-(((h - centre) / width) ** 2));
  return 0.1 + bump(10.5, 1.8, 3.5) + bump(17, 1.5, 2.5);
}

/** Feeds whole days of normal traffic from `start`; returns the alarms raised. */
function replayDays(state: DetectorState, start: number, days: number, random: () => number, surge?: { at: number; factor: number }) {
  const alarms: { at: number; z: number }[] = [];
  for (let m = 0; m < days * 24 * 60; m++) {
    const minute = start + m * MINUTE;
    const factor = surge && minute >= surge.at ? surge.factor : 1;
    const count = poisson(normalRate(m % (24 * 60)) * factor, random);
    for (const a of observeMinute(state, minute, { [KEY]: count })) alarms.push({ at: minute, z: a.z });
  }
  return alarms;
}

describe('outage detector model', () => {
  it('places a minute in its hour of the week (UTC)', () => {
    expect(slotOf(Date.UTC(2026, 10, 22, 10, 30))).toBe(10); // Sunday
    expect(slotOf(Date.UTC(2026, 10, 23, 0, 0))).toBe(24); // Monday 00:00
    expect(slotOf(Date.UTC(2026, 10, 28, 23, 59))).toBe(167); // Saturday 23:59
  });

  it('raises no alarm on replayed normal days after four weeks of history (false alarms measured)', () => {
    const random = seededRandom(20261122);
    const state = emptyState();
    const start = Date.UTC(2026, 9, 5); // a Monday
    replayDays(state, start, 28, random);
    // 28 more normal days, each replayed minute by minute: the false-alarm rate is alarms per day.
    const alarms = replayDays(state, start + 28 * DAY, 28, random);
    if (process.env.DBG) console.log('false alarms over 28 days', alarms.length);
    expect(alarms.length / 28).toBeLessThanOrEqual(1 / 28);
  });

  it('alarms within two minutes of a surge of ten times the usual calls at 11:00, once per cooldown', () => {
    const random = seededRandom(7);
    const state = emptyState();
    const start = Date.UTC(2026, 9, 5);
    replayDays(state, start, 28, random);
    const surgeAt = start + 28 * DAY + 11 * 60 * MINUTE;
    const alarms = replayDays(state, start + 28 * DAY, 1, random, { at: surgeAt, factor: 10 });
    expect(alarms.length).toBeGreaterThanOrEqual(1);
    if (process.env.DBG) console.log('surge alarm after ms', alarms[0]!.at - surgeAt, 'alarms', alarms.length);
    expect(alarms[0]!.at - surgeAt).toBeLessThanOrEqual(2 * MINUTE);
    expect(alarms[0]!.at).toBeGreaterThanOrEqual(surgeAt);
    // The surge lasts the rest of the day: one alarm per 30-minute hold, not one per minute.
    expect(alarms.length).toBeLessThanOrEqual(Math.ceil((13 * 60) / 30));
  });

  it('needs a minimum of events, so a quiet series does not alarm on a handful', () => {
    const state = emptyState();
    const t = Date.UTC(2026, 9, 5, 3, 0);
    for (let m = 0; m < 4; m++) expect(observeMinute(state, t + m * MINUTE, { 'report:atm': 0 })).toEqual([]);
    expect(observeMinute(state, t + 4 * MINUTE, { 'report:atm': 4 })).toEqual([]);
    // With a lower minimum for problem reports, four in five minutes is enough.
    const fresh = emptyState();
    for (let m = 0; m < 4; m++) observeMinute(fresh, t + m * MINUTE, { 'report:atm': 0 }, { minCount: 4 });
    expect(observeMinute(fresh, t + 4 * MINUTE, { 'report:atm': 4 }, { minCount: 4, priorPerMinute: 0.05 })).toMatchObject([{ key: 'report:atm', observed: 4 }]);
  });
});
