import { describe, expect, it } from 'vitest';
import { nextStart, startsBetween, type Schedule } from './recurrence.ts';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const iso = (list: number[]) => list.map((t) => new Date(t).toISOString());

describe('recurrence (UTC)', () => {
  const monday = at('2026-03-02T01:00:00Z');
  const weekly: Schedule = { startsAt: monday, endsAt: monday + 2 * H, recurrence: { freq: 'weekly', byWeekday: [1, 4] } };

  it('a one-off window has one occurrence', () => {
    const once: Schedule = { startsAt: monday, endsAt: monday + H, recurrence: null };
    expect(nextStart(once, monday - 1)).toBe(monday);
    expect(nextStart(once, monday)).toBe(monday);
    expect(nextStart(once, monday + 1)).toBeNull();
  });

  it('weekly on Mondays and Thursdays across March 2026', () => {
    expect(iso(startsBetween(weekly, at('2026-03-01T00:00:00Z'), at('2026-04-01T00:00:00Z')))).toEqual([
      '2026-03-02T01:00:00.000Z', '2026-03-05T01:00:00.000Z', '2026-03-09T01:00:00.000Z', '2026-03-12T01:00:00.000Z',
      '2026-03-16T01:00:00.000Z', '2026-03-19T01:00:00.000Z', '2026-03-23T01:00:00.000Z', '2026-03-26T01:00:00.000Z',
      '2026-03-30T01:00:00.000Z',
    ]);
  });

  it('keeps the UTC time across the daylight-saving change (29 March 2026 in Europe)', () => {
    const daily: Schedule = { startsAt: at('2026-03-28T01:30:00Z'), endsAt: at('2026-03-28T02:00:00Z'), recurrence: { freq: 'daily' } };
    expect(iso(startsBetween(daily, at('2026-03-28T00:00:00Z'), at('2026-03-31T00:00:00Z')))).toEqual([
      '2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T01:30:00.000Z',
    ]);
  });

  it('no occurrence starts after until (an occurrence starting exactly at until counts)', () => {
    const bounded: Schedule = { ...weekly, recurrence: { freq: 'weekly', byWeekday: [1, 4], until: new Date('2026-03-12T01:00:00Z') } };
    expect(iso(startsBetween(bounded, 0, at('2027-01-01T00:00:00Z')))).toEqual([
      '2026-03-02T01:00:00.000Z', '2026-03-05T01:00:00.000Z', '2026-03-09T01:00:00.000Z', '2026-03-12T01:00:00.000Z',
    ]);
    expect(nextStart(bounded, at('2026-03-12T01:00:01Z'))).toBeNull();
  });

  it('weekly without byWeekday repeats the weekday of the first start', () => {
    const plain: Schedule = { startsAt: monday, endsAt: monday + H, recurrence: { freq: 'weekly' } };
    expect(nextStart(plain, monday + 1)).toBe(at('2026-03-09T01:00:00Z'));
  });

  it('finds the next occurrence from the middle of one', () => {
    expect(nextStart(weekly, monday + H)).toBe(at('2026-03-05T01:00:00Z'));
    expect(nextStart(weekly, at('2026-03-05T01:00:00Z'))).toBe(at('2026-03-05T01:00:00Z'));
  });
});
