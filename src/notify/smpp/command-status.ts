import type { ClaveErrorCode } from '../../shared/index.ts';

/** SMPP 3.4 §5.1.3 command_status values this channel names. */
export const ESME_ROK = 0x00;
export const ESME_RINVBNDSTS = 0x04;
export const ESME_RMSGQFUL = 0x14;
export const ESME_RTHROTTLED = 0x58;

/**
 * Refusals of this very message that no retry can change (SMPP 3.4 §5.1.3;
 * the last three are SMPP 5.0 codes some centres send). Everything not
 * listed and not throttling is taken as the centre failing for now.
 */
export const PERMANENT_SUBMIT_ERRORS: ReadonlyMap<number, string> = new Map([
  [0x01, 'ESME_RINVMSGLEN'], // message length is invalid
  [0x06, 'ESME_RINVPRTFLG'], // priority flag is invalid
  [0x07, 'ESME_RINVREGDLVFLG'], // registered delivery flag is invalid
  [0x0a, 'ESME_RINVSRCADR'], // invalid source address
  [0x0b, 'ESME_RINVDSTADR'], // invalid destination address
  [0x15, 'ESME_RINVSERTYP'], // invalid service type
  [0x43, 'ESME_RINVESMCLASS'], // invalid esm_class field data
  [0x48, 'ESME_RINVSRCTON'], // invalid source address TON
  [0x49, 'ESME_RINVSRCNPI'], // invalid source address NPI
  [0x50, 'ESME_RINVDSTTON'], // invalid destination address TON
  [0x51, 'ESME_RINVDSTNPI'], // invalid destination address NPI
  [0x61, 'ESME_RINVSCHED'], // invalid scheduled delivery time
  [0x62, 'ESME_RINVEXPIRY'], // invalid message validity period
  [0x63, 'ESME_RINVDFTMSGID'], // predefined message invalid or not found
  [0x65, 'ESME_RX_P_APPN'], // ESME receiver permanent app error
  [0x66, 'ESME_RX_R_APPN'], // ESME receiver reject message error
  [0xc0, 'ESME_RINVTLVSTREAM'], // invalid optional parameter stream
  [0xc1, 'ESME_RTLVNOTALLWD'], // optional parameter not allowed
  [0xc2, 'ESME_RINVTLVLEN'], // invalid parameter length
  [0xc4, 'ESME_RINVTLVVAL'], // invalid optional parameter value
  [0x101, 'ESME_RPROHIBITED'], // (5.0) ESME prohibited from using the operation
  [0x103, 'ESME_RSERTYPDENIED'], // (5.0) service type denied
  [0x104, 'ESME_RINVDCS'], // (5.0) invalid data coding scheme
]);

/**
 * The delivery error code for a non-zero submit_sm_resp command_status.
 *
 * @example submitErrorCode(0x58) // 'DELIVERY_THROTTLED'
 * @example submitErrorCode(0x0b) // 'DELIVERY_REJECTED'
 * @example submitErrorCode(0x08) // 'DELIVERY_UNAVAILABLE' (system error)
 */
export function submitErrorCode(status: number): ClaveErrorCode {
  if (status === ESME_RTHROTTLED || status === ESME_RMSGQFUL) return 'DELIVERY_THROTTLED';
  if (PERMANENT_SUBMIT_ERRORS.has(status)) return 'DELIVERY_REJECTED';
  return 'DELIVERY_UNAVAILABLE';
}

/** "0x0000000b" as command_status values are usually written. */
export function formatStatus(status: number): string {
  return `0x${status.toString(16).padStart(8, '0')}`;
}
