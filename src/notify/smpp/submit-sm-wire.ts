import { ClaveError } from '../../shared/index.ts';

/** A submit_sm's mandatory parameters exactly as they were on the wire. */
export interface RawSubmitSm {
  sequenceNumber: number;
  serviceType: string;
  sourceTon: number;
  sourceNpi: number;
  source: string;
  destTon: number;
  destNpi: number;
  destination: string;
  esmClass: number;
  protocolId: number;
  priority: number;
  scheduleDeliveryTime: string;
  validityPeriod: string;
  registeredDelivery: number;
  replaceIfPresent: number;
  dataCoding: number;
  smDefaultMsgId: number;
  shortMessage: Buffer;
}

const SUBMIT_SM = 0x00000004;

/**
 * Reads a whole submit_sm PDU (header included). The `smpp` package decodes
 * fields its own way (a relative validity_period becomes a Date); a test
 * centre needs the octets themselves.
 *
 * SMPP 3.4 §4.4.1, after the 16-octet header:
 *   service_type C-string · source_addr_ton 1 · source_addr_npi 1 · source_addr C-string ·
 *   dest_addr_ton 1 · dest_addr_npi 1 · destination_addr C-string · esm_class 1 · protocol_id 1 ·
 *   priority_flag 1 · schedule_delivery_time C-string · validity_period C-string ·
 *   registered_delivery 1 · replace_if_present_flag 1 · data_coding 1 · sm_default_msg_id 1 ·
 *   sm_length 1 · short_message sm_length octets · TLVs…
 *
 * @example parseSubmitSm(pduBytes).validityPeriod // '000000001000000R'
 */
export function parseSubmitSm(pdu: Buffer): RawSubmitSm {
  if (pdu.length < 16 || pdu.readUInt32BE(4) !== SUBMIT_SM) throw malformed('not a submit_sm');
  let at = 16;
  const octet = () => {
    if (at >= pdu.length) throw malformed('truncated');
    return pdu[at++] ?? 0;
  };
  const cstring = () => {
    const end = pdu.indexOf(0, at);
    if (end < 0) throw malformed('unterminated C-Octet String');
    const value = pdu.toString('latin1', at, end);
    at = end + 1;
    return value;
  };
  const sequenceNumber = pdu.readUInt32BE(12);
  const serviceType = cstring();
  const sourceTon = octet();
  const sourceNpi = octet();
  const source = cstring();
  const destTon = octet();
  const destNpi = octet();
  const destination = cstring();
  const esmClass = octet();
  const protocolId = octet();
  const priority = octet();
  const scheduleDeliveryTime = cstring();
  const validityPeriod = cstring();
  const registeredDelivery = octet();
  const replaceIfPresent = octet();
  const dataCoding = octet();
  const smDefaultMsgId = octet();
  const smLength = octet();
  if (at + smLength > pdu.length) throw malformed('short_message runs past the PDU');
  const shortMessage = Buffer.from(pdu.subarray(at, at + smLength));
  return {
    sequenceNumber, serviceType, sourceTon, sourceNpi, source, destTon, destNpi, destination, esmClass, protocolId,
    priority, scheduleDeliveryTime, validityPeriod, registeredDelivery, replaceIfPresent, dataCoding, smDefaultMsgId, shortMessage,
  };
}

function malformed(reason: string): ClaveError {
  return new ClaveError('PROTOCOL_ERROR', `malformed submit_sm: ${reason}`, { reason });
}
