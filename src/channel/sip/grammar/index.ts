/**
 * The SIP grammar layer: pure functions from bytes to messages and back
 * (RFC 3261 §7, §18.3, §19, §20, §25), no I/O, no clock, no logger. The
 * transaction and dialog layers above use this surface.
 */
export type { NameAddr, SipHeader, SipMessage, SipRequest, SipResponse, SipUri, Via } from './message.ts';
export type { ParseResult, SipParseError, SipParseErrorCode } from './parse-error.ts';
export { parseMessage, parseStream, MAX_BODY_BYTES, MAX_HEADER_BYTES } from './parse.ts';
export { serializeMessage } from './serialize.ts';
export { responseTo } from './response-to.ts';
export { getHeader, getHeaders, getTokenList, type HasHeaders } from './headers.ts';
export { headerKey, isListHeader } from './header-names.ts';
// parseX throws ClaveError MALFORMED_SIP; tryParseX returns null instead.
export { parseUri, tryParseUri, formatUri } from './uri.ts';
export { parseNameAddr, tryParseNameAddr, formatNameAddr } from './name-addr.ts';
export { parseVia, tryParseVia, formatVia } from './via.ts';
export { parseCSeq, tryParseCSeq, type CSeq } from './cseq.ts';
export { parseContentType, tryParseContentType, type ContentType } from './content-type.ts';
export { parseParams, tryParseParams, formatParams, type Params } from './params.ts';
export { isToken, splitTopLevel, unquote } from './lexical.ts';
export { TORTURE_ANSWERS, TORTURE_DIR_URL, type TortureAnswer } from './torture-answers.ts';
