/** SMS over SMPP 3.4: the delivery channel, its URL form, the SMS codec, and a test SMS centre. */
export { createSmppChannel, type SmppChannel } from './smpp-channel.ts';
export { type SmppChannelOptions, SMPP_DEFAULTS } from './smpp-options.ts';
export { parseSmppUrl } from './smpp-url.ts';
export {
  encodeSms, decodeShortMessage, gsm7Groups, decodeGsm7, encodeUcs2, decodeUcs2, type EncodedSms, type SmsDataCoding,
  DATA_CODING_GSM7, DATA_CODING_UCS2, ESM_CLASS_UDHI,
} from './sms-encoding.ts';
export { relativeValidityPeriod, validityPeriodFor } from './validity-period.ts';
export { parseReceipt, type ParsedReceipt } from './receipt.ts';
export { submitErrorCode, PERMANENT_SUBMIT_ERRORS } from './command-status.ts';
export {
  startTestSmsc, type TestSmsc, type TestSmscBehaviour, type TestSmscSubmit, type TestSmscMessage, type ReceiptStat,
} from './test-smsc.ts';
