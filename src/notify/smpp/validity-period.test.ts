import { describe, expect, it } from 'vitest';
import { isClaveError } from '../../shared/index.ts';
import { relativeValidityPeriod, validityPeriodFor } from './validity-period.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('relativeValidityPeriod (SMPP 3.4 §7.1.1.2)', () => {
  it('writes YYMMDDhhmmss000R, rounded down to the second', () => {
    expect(relativeValidityPeriod(10 * MIN + 999)).toBe('000000001000000R');
    expect(relativeValidityPeriod(15 * MIN)).toBe('000000001500000R');
    expect(relativeValidityPeriod(26 * HOUR + 3 * MIN + 4_500)).toBe('000001020304000R');
    expect(relativeValidityPeriod(1000)).toBe('000000000001000R');
  });

  it('counts months as 31 days and years as 366, so the period never runs long', () => {
    expect(relativeValidityPeriod(40 * DAY)).toBe('000109000000000R');
    expect(relativeValidityPeriod(400 * DAY)).toBe('010103000000000R');
    expect(relativeValidityPeriod(200 * 366 * DAY)).toBe('990000000000000R');
  });

  it('gives null below one second, where zero would mean the centre default', () => {
    expect(relativeValidityPeriod(999)).toBeNull();
    expect(relativeValidityPeriod(0)).toBeNull();
    expect(relativeValidityPeriod(-5)).toBeNull();
    expect(relativeValidityPeriod(Number.NaN)).toBeNull();
  });
});

describe('validityPeriodFor', () => {
  const now = Date.parse('2026-01-01T09:00:00Z');

  it('is empty without an expiry and the remaining time with one', () => {
    expect(validityPeriodFor(null, now)).toBe('');
    expect(validityPeriodFor(new Date('2026-01-01T09:15:00.700Z'), now)).toBe('000000001500000R');
  });

  it('throws DELIVERY_REJECTED when less than a second is left', () => {
    for (const at of ['2026-01-01T09:00:00.999Z', '2026-01-01T09:00:00Z', '2026-01-01T08:59:00Z']) {
      let caught: unknown;
      try {
        validityPeriodFor(new Date(at), now);
      } catch (err) {
        caught = err;
      }
      expect(isClaveError(caught, 'DELIVERY_REJECTED'), at).toBe(true);
      expect((caught as { details: unknown }).details).toEqual({ reason: 'expired' });
    }
  });
});
