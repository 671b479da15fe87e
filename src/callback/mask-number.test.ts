import { describe, expect, it } from 'vitest';
import { resolveCallbackConfig } from './config.ts';
import { maskNumber } from './mask-number.ts';

describe('maskNumber', () => {
  it('keeps the + and two prefix digits and the last 4', () => {
    expect(maskNumber('+34600001222')).toBe('+34•••••1222');
    expect(maskNumber('+14155550123')).toBe('+14•••••0123');
    expect(maskNumber('+3460001')).toBe('+34•0001');
  });

  it('shows only the last 2 of something too short to hide otherwise', () => {
    expect(maskNumber('+341234')).toBe('•••••34');
    expect(maskNumber('1234')).toBe('••34');
  });
});

describe('resolveCallbackConfig', () => {
  it('fills the defaults and keeps overrides', () => {
    expect(resolveCallbackConfig({ maxAttempts: 5 })).toEqual({
      maxAttempts: 5, retryAfterMs: 60_000, atCapacityRetryMs: 10_000, lifetimeMs: 900_000, leaseMs: 600_000, concurrency: 4, firstAttemptDelayMs: 10_000,
    });
  });

  it('refuses a concurrency that would never dial', () => {
    expect(() => resolveCallbackConfig({ concurrency: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', details: { field: 'concurrency' } }));
    expect(() => resolveCallbackConfig({ leaseMs: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', details: { field: 'leaseMs' } }));
  });
});
