import { describe, expect, it } from 'vitest';
import { parseReceipt } from './receipt.ts';

const text = (stat: string, err = '000', extra = '') =>
  `id:0000002a sub:001 dlvrd:001 submit date:2601010900 done date:2601010901 stat:${stat} err:${err} text:${extra}`;

describe('parseReceipt', () => {
  it('reads the Appendix B text when no TLVs came', () => {
    expect(parseReceipt({ esmClass: 0x04, text: text('DELIVRD') })).toEqual({ messageId: '0000002a', detail: 'stat:DELIVRD err:000', status: 'delivered' });
    expect(parseReceipt({ esmClass: 0x04, text: text('UNDELIV', '001') })).toEqual({ messageId: '0000002a', detail: 'stat:UNDELIV err:001', status: 'failed' });
  });

  it('prefers receipted_message_id and message_state to the text', () => {
    expect(parseReceipt({ esmClass: 0x04, receiptedMessageId: 'abc123', messageState: 3, text: text('DELIVRD', '005') }))
      .toEqual({ messageId: 'abc123', detail: 'stat:EXPIRED err:005', status: 'failed' });
    expect(parseReceipt({ esmClass: 0x04, receiptedMessageId: 'abc123', messageState: 2, text: '' }))
      .toEqual({ messageId: 'abc123', detail: 'stat:DELIVRD', status: 'delivered' });
  });

  it('maps every final state and leaves the others open', () => {
    const statuses = Object.fromEntries(
      ['DELIVRD', 'UNDELIV', 'EXPIRED', 'REJECTD', 'DELETED', 'ENROUTE', 'ACCEPTD', 'UNKNOWN'].map((s) => [s, parseReceipt({ esmClass: 0x04, text: text(s) })?.status]),
    );
    expect(statuses).toEqual({
      DELIVRD: 'delivered', UNDELIV: 'failed', EXPIRED: 'failed', REJECTD: 'failed', DELETED: 'failed', ENROUTE: null, ACCEPTD: null, UNKNOWN: null,
    });
  });

  it('never takes anything from the message excerpt after text:', () => {
    const parsed = parseReceipt({ esmClass: 0x04, text: text('UNDELIV', '001', 'Tu clave stat:DELIVRD id:999') });
    expect(parsed).toEqual({ messageId: '0000002a', detail: 'stat:UNDELIV err:001', status: 'failed' });
  });

  it('is null for a handset reply or a receipt naming no message', () => {
    expect(parseReceipt({ esmClass: 0x00, text: text('DELIVRD') })).toBeNull();
    expect(parseReceipt({ esmClass: 0x08, text: text('DELIVRD') })).toBeNull(); // SME delivery acknowledgement
    expect(parseReceipt({ esmClass: 0x04, text: 'stat:DELIVRD err:000' })).toBeNull();
    expect(parseReceipt({ esmClass: 0x04, receiptedMessageId: '', text: 'sub:001' })).toBeNull();
  });

  it('accepts a receipt that also carries UDHI', () => {
    expect(parseReceipt({ esmClass: 0x44, text: text('DELIVRD') })?.status).toBe('delivered');
  });
});
