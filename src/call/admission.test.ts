import { describe, expect, it } from 'vitest';
import { AdmissionControl, type Admission } from './admission.ts';

const kinds = (a: Admission[]) => a.map((x) => x.kind);
const take = (control: AdmissionControl, n: number) => Array.from({ length: n }, () => control.admit());

describe('admission control', () => {
  it('takes every call without a capacity', () => {
    const control = new AdmissionControl();
    expect(new Set(kinds(take(control, 500)))).toEqual(new Set(['call']));
    expect(control.stats()).toMatchObject({ maxCalls: null, hardLimit: null, calls: 500, brief: 0, refusedTotal: 0 });
  });

  it("announce: beyond maxCalls callers hear the short refusal, up to 1.25 × maxCalls in all, then 503", () => {
    const control = new AdmissionControl({ maxCalls: 8, atCapacity: 'announce' });
    const first = take(control, 8);
    expect(new Set(kinds(first))).toEqual(new Set(['call']));
    expect(kinds(take(control, 3))).toEqual(['brief', 'brief', 'refused']);
    expect(control.stats()).toEqual({ maxCalls: 8, hardLimit: 10, atCapacity: 'announce', calls: 8, brief: 2, announcedTotal: 2, refusedTotal: 1 });
    expect(control.admit()).toEqual({ kind: 'refused', retryAfterSeconds: 10 });
  });

  it('keeps at least one place for the refusal on a small line', () => {
    const control = new AdmissionControl({ maxCalls: 1 });
    expect(kinds(take(control, 3))).toEqual(['call', 'brief', 'refused']);
    expect(control.stats().hardLimit).toBe(2);
  });

  it('reject: beyond maxCalls every caller is refused with the configured Retry-After', () => {
    const control = new AdmissionControl({ maxCalls: 2, atCapacity: 'reject', retryAfterSeconds: 30 });
    expect(kinds(take(control, 4))).toEqual(['call', 'call', 'refused', 'refused']);
    expect(control.admit()).toEqual({ kind: 'refused', retryAfterSeconds: 30 });
    expect(control.stats()).toMatchObject({ calls: 2, brief: 0, announcedTotal: 0, refusedTotal: 3 });
  });

  it('a place given back is taken by the next caller, once, however often it is given back', () => {
    const control = new AdmissionControl({ maxCalls: 2, atCapacity: 'reject' });
    const [a] = take(control, 2);
    if (a?.kind !== 'call') throw new Error('expected a call');
    a.release();
    a.release();
    expect(kinds(take(control, 2))).toEqual(['call', 'refused']);
    expect(control.stats().calls).toBe(2);
  });

  it('refusals have their own places: a refusal ending frees one for the next refusal, not for a call', () => {
    const control = new AdmissionControl({ maxCalls: 4, atCapacity: 'announce' });
    take(control, 4);
    const brief = control.admit();
    expect(brief.kind).toBe('brief');
    expect(control.admit().kind).toBe('refused');
    if (brief.kind === 'refused') throw new Error('expected a brief call');
    brief.release();
    expect(control.stats()).toMatchObject({ calls: 4, brief: 0 });
    expect(control.admit().kind).toBe('brief');
  });

  it('peek says what the next call would get without taking a place', () => {
    const control = new AdmissionControl({ maxCalls: 1, atCapacity: 'reject', retryAfterSeconds: 7 });
    expect(control.peek()).toEqual({ kind: 'call', retryAfterSeconds: 7 });
    expect(control.peek().kind).toBe('call');
    control.admit();
    expect(control.peek()).toEqual({ kind: 'refused', retryAfterSeconds: 7 });
    expect(control.stats()).toMatchObject({ calls: 1, refusedTotal: 0 });
  });

  it('tells its owner when the line becomes full and when it has room again, not at every call', () => {
    const changes: boolean[] = [];
    const control = new AdmissionControl({ maxCalls: 2, atCapacity: 'reject' }, (full) => changes.push(full));
    const [a] = take(control, 5);
    expect(changes).toEqual([true]);
    if (a?.kind === 'refused' || !a) throw new Error('expected a call');
    a.release();
    expect(changes).toEqual([true, false]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new AdmissionControl({ maxCalls: 0 })).toThrow(RangeError);
    expect(() => new AdmissionControl({ maxCalls: 2.5 })).toThrow(RangeError);
  });
});
