import { describe, expect, it } from 'vitest';
import { softphoneUrl } from './softphone-url.ts';

describe('softphoneUrl', () => {
  it('maps http(s) to ws(s) and appends /softphone once', () => {
    expect(softphoneUrl('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/softphone');
    expect(softphoneUrl('https://line.example/clave/')).toBe('wss://line.example/clave/softphone');
    expect(softphoneUrl('ws://h:1/softphone')).toBe('ws://h:1/softphone');
    expect(softphoneUrl('wss://h')).toBe('wss://h/softphone');
  });

  it('refuses other schemes and non-URLs with INVALID_ARGUMENT', () => {
    expect(() => softphoneUrl('ftp://h')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
    expect(() => softphoneUrl('127.0.0.1:8080')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
  });
});
