import { describe, expect, it } from 'vitest';
import { formatStatus, submitErrorCode } from './command-status.ts';

describe('submitErrorCode', () => {
  it('asks to slow down on ESME_RTHROTTLED and ESME_RMSGQFUL', () => {
    expect(submitErrorCode(0x58)).toBe('DELIVERY_THROTTLED');
    expect(submitErrorCode(0x14)).toBe('DELIVERY_THROTTLED');
  });

  it('refuses for good on address, length, coding and validity errors', () => {
    for (const status of [0x01, 0x0a, 0x0b, 0x50, 0x51, 0x62, 0x104]) expect(submitErrorCode(status), formatStatus(status)).toBe('DELIVERY_REJECTED');
  });

  it('takes system errors, bind state and unknown codes as the centre being unavailable', () => {
    for (const status of [0x08, 0x04, 0x45, 0x64, 0xff, 0x400]) expect(submitErrorCode(status), formatStatus(status)).toBe('DELIVERY_UNAVAILABLE');
  });

  it('formats a status as eight hex digits', () => {
    expect(formatStatus(0x58)).toBe('0x00000058');
  });
});
