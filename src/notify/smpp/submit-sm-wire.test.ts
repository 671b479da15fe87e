import { describe, expect, it } from 'vitest';
import { makePdu } from './smpp-lib.ts';
import { parseSubmitSm } from './submit-sm-wire.ts';

describe('parseSubmitSm (SMPP 3.4 §4.4.1)', () => {
  const pdu = () => makePdu('submit_sm', {
    sequence_number: 7, source_addr_ton: 5, source_addr: 'Clave', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '34600000001',
    esm_class: 0x40, validity_period: '000000001000000R', registered_delivery: 1, data_coding: 8,
    short_message: Buffer.from([5, 0, 3, 1, 2, 1, 0x00, 0xe1]),
  }).toBuffer();

  it('reads the octets the smpp package wrote', () => {
    expect(parseSubmitSm(pdu())).toEqual({
      sequenceNumber: 7, serviceType: '', sourceTon: 5, sourceNpi: 0, source: 'Clave', destTon: 1, destNpi: 1, destination: '34600000001',
      esmClass: 0x40, protocolId: 0, priority: 0, scheduleDeliveryTime: '', validityPeriod: '000000001000000R', registeredDelivery: 1,
      replaceIfPresent: 0, dataCoding: 8, smDefaultMsgId: 0, shortMessage: Buffer.from([5, 0, 3, 1, 2, 1, 0x00, 0xe1]),
    });
  });

  it('refuses a truncated PDU or another command with PROTOCOL_ERROR', () => {
    const whole = pdu();
    expect(() => parseSubmitSm(whole.subarray(0, whole.length - 3))).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERROR', details: { reason: 'short_message runs past the PDU' } }));
    expect(() => parseSubmitSm(whole.subarray(0, 30))).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERROR' }));
    expect(() => parseSubmitSm(makePdu('enquire_link').toBuffer())).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERROR', details: { reason: 'not a submit_sm' } }));
  });
});
