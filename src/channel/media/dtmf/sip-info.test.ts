import { describe, expect, it } from 'vitest';
import { expectMalformed } from '../testing/expect-malformed.ts';
import { parseSipInfoDtmf } from './sip-info.ts';

describe('parseSipInfoDtmf', () => {
  it('reads application/dtmf-relay', () => {
    expect(parseSipInfoDtmf('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n')).toEqual({ key: '5', durationMs: 160 });
    expect(parseSipInfoDtmf('application/dtmf-relay', 'Signal=#\r\nDuration=250')).toEqual({ key: '#', durationMs: 250 });
    expect(parseSipInfoDtmf('application/dtmf-relay', 'Signal=*\n')).toEqual({ key: '*', durationMs: null });
  });

  it('tolerates case, spaces around "=", parameters and unknown lines', () => {
    expect(parseSipInfoDtmf('Application/DTMF-Relay; charset=UTF-8', 'signal = d\r\nX-Vendor=1\r\nDURATION= 100\r\n')).toEqual({ key: 'D', durationMs: 100 });
  });

  it('accepts event numbers for * and # as some gateways send them', () => {
    expect(parseSipInfoDtmf('application/dtmf-relay', 'Signal=10\r\nDuration=160')).toEqual({ key: '*', durationMs: 160 });
    expect(parseSipInfoDtmf('application/dtmf-relay', 'Signal=11')).toEqual({ key: '#', durationMs: null });
    expect(parseSipInfoDtmf('application/dtmf-relay', 'Signal=15')).toEqual({ key: 'D', durationMs: null });
  });

  it('ignores an unreadable duration rather than losing the key', () => {
    expect(parseSipInfoDtmf('application/dtmf-relay', 'Signal=3\r\nDuration=abc')).toEqual({ key: '3', durationMs: null });
  });

  it('reads application/dtmf, from a string or bytes', () => {
    expect(parseSipInfoDtmf('application/dtmf', '5')).toEqual({ key: '5', durationMs: null });
    expect(parseSipInfoDtmf('application/dtmf', Buffer.from('#\r\n'))).toEqual({ key: '#', durationMs: null });
    expect(parseSipInfoDtmf('application/dtmf', '11')).toEqual({ key: '#', durationMs: null });
  });

  it('rejects other body types with reason content-type (415)', () => {
    expectMalformed(() => parseSipInfoDtmf('application/sdp', 'Signal=5'), 'MALFORMED_DTMF', 'content-type');
    expectMalformed(() => parseSipInfoDtmf('text/plain', '5'), 'MALFORMED_DTMF', 'content-type');
  });

  it('rejects missing or invalid signals with reason signal (400), without echoing the key', () => {
    expectMalformed(() => parseSipInfoDtmf('application/dtmf-relay', 'Duration=160'), 'MALFORMED_DTMF', 'signal');
    expectMalformed(() => parseSipInfoDtmf('application/dtmf-relay', ''), 'MALFORMED_DTMF', 'signal');
    expectMalformed(() => parseSipInfoDtmf('application/dtmf-relay', 'Signal=E'), 'MALFORMED_DTMF', 'signal');
    expectMalformed(() => parseSipInfoDtmf('application/dtmf-relay', 'Signal=16'), 'MALFORMED_DTMF', 'signal');
    expectMalformed(() => parseSipInfoDtmf('application/dtmf-relay', 'Signal=55'), 'MALFORMED_DTMF', 'signal');
    expectMalformed(() => parseSipInfoDtmf('application/dtmf', ''), 'MALFORMED_DTMF', 'signal');
    const err = expectMalformed(() => parseSipInfoDtmf('application/dtmf', '12345'), 'MALFORMED_DTMF', 'signal');
    expect(err.message).not.toContain('12345');
    expect(JSON.stringify(err.details)).not.toContain('12345');
  });
});
