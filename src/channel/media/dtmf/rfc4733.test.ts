import { describe, expect, it } from 'vitest';
import { expectMalformed } from '../testing/expect-malformed.ts';
import { eventForKey, keyForEvent } from './keys.ts';
import { parseTelephoneEvent, parseTelephoneEvents, serializeTelephoneEvent, writeTelephoneEvent } from './rfc4733.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('telephone-event payload (RFC 4733 §2.3)', () => {
  it('parses event, E, R, volume and duration', () => {
    expect(parseTelephoneEvent(hex('05 0a 00a0'))).toEqual({ event: 5, end: false, reserved: false, volume: 10, duration: 160 });
    expect(parseTelephoneEvent(hex('0b 8a 0320'))).toEqual({ event: 11, end: true, reserved: false, volume: 10, duration: 800 });
    expect(parseTelephoneEvent(hex('00 ff ffff'))).toEqual({ event: 0, end: true, reserved: true, volume: 63, duration: 65535 });
  });

  it('round-trips, always sending R = 0 (§2.3.3)', () => {
    for (const bytes of ['050a00a0', '0b8a0320', '0f3f0000', '10800640']) {
      expect(serializeTelephoneEvent(parseTelephoneEvent(hex(bytes))).toString('hex')).toBe(bytes);
    }
    expect(serializeTelephoneEvent(parseTelephoneEvent(hex('05 4a 00a0'))).toString('hex')).toBe('050a00a0');
  });

  it('parses several packed events in order (§2.5.1.5)', () => {
    expect(parseTelephoneEvents(hex('01 8a 0320 02 0a 00a0')).map((e) => [e.event, e.end, e.duration])).toEqual([
      [1, true, 800],
      [2, false, 160],
    ]);
  });

  it('rejects truncated or ragged payloads', () => {
    expectMalformed(() => parseTelephoneEvent(hex('05 0a 00')), 'MALFORMED_DTMF', 'truncated');
    expectMalformed(() => parseTelephoneEvent(Buffer.alloc(0)), 'MALFORMED_DTMF', 'truncated');
    expectMalformed(() => parseTelephoneEvents(hex('05 0a 00a0 06')), 'MALFORMED_DTMF', 'length');
  });

  it('writes in place and refuses out-of-range fields', () => {
    const out = Buffer.alloc(6);
    expect(writeTelephoneEvent({ event: 10, end: true, volume: 7, duration: 0x1234 }, out, 2)).toBe(4);
    expect(out.toString('hex')).toBe('00000a871234');
    expectMalformed(() => serializeTelephoneEvent({ event: 1, end: false, volume: 64, duration: 0 }), 'INVALID_ARGUMENT');
    expectMalformed(() => serializeTelephoneEvent({ event: 1, end: false, volume: 0, duration: 65536 }), 'INVALID_ARGUMENT');
    expectMalformed(() => serializeTelephoneEvent({ event: 256, end: false, volume: 0, duration: 0 }), 'INVALID_ARGUMENT');
  });
});

describe('DTMF keys (RFC 4733 §3.2)', () => {
  it('maps event codes 0-15 to keys and back', () => {
    expect(Array.from({ length: 16 }, (_, i) => keyForEvent(i)).join('')).toBe('0123456789*#ABCD');
    expect(keyForEvent(16)).toBeNull();
    expect(keyForEvent(-1)).toBeNull();
    expect(eventForKey('#')).toBe(11);
    expect(eventForKey('d')).toBe(15);
    expect(eventForKey('x')).toBeNull();
  });
});
