import { describe, expect, it } from 'vitest';
import { fillParams, fillSecret, maskSecret, placeholdersOf } from './render.ts';

describe('two-stage rendering', () => {
  it('fills parameters and keeps the secret slot', () => {
    expect(fillParams('Hi {name}: {secret} ({n} min)', { name: 'Ana', n: '5' })).toEqual({
      text: 'Hi Ana: {secret} (5 min)',
      missing: [],
    });
  });

  it('reports missing parameters', () => {
    expect(fillParams('{a} {b} {a}', { b: 'x' }).missing).toEqual(['a', 'a']);
  });

  it('never lets a parameter value become the secret slot', () => {
    const stored = fillParams('Dear {name}, code {secret}', { name: '{secret}' }).text;
    expect(fillSecret(stored, '123456')).toBe('Dear {secret}, code 123456');
    expect(maskSecret(stored)).toBe('Dear {secret}, code ********');
  });

  it('treats doubled braces as literal braces', () => {
    const stored = fillParams('{{x}} {v}', { v: 'a}b{' }).text;
    expect(fillSecret(stored, null)).toBe('{x} a}b{');
    expect(placeholdersOf('{{x}} {v} {secret}')).toEqual(['v', 'secret']);
  });

  it('masks with a fixed length, hiding the secret length too', () => {
    expect(maskSecret('code {secret}')).toBe('code ********');
  });
});
