import type { SipHeader, SipMessage } from './message.ts';

/**
 * Why a buffer is not a SIP message. What a UAS does with each (the grammar
 * only reports; the UAS decides):
 *
 * | code                 | meaning                                                     | UAS, request readable | over TCP            |
 * |----------------------|-------------------------------------------------------------|-----------------------|---------------------|
 * | EMPTY                | only CR/LF (a keep-alive)                                   | ignore                | —                   |
 * | INCOMPLETE           | stream only: wait for more bytes                            | —                     | wait, drop consumed |
 * | TRUNCATED            | datagram ends inside the header section                     | 400                   | —                   |
 * | TOO_LARGE            | header section over MAX_HEADER_BYTES                        | drop                  | close               |
 * | MALFORMED_START_LINE | not a Request-Line / Status-Line                            | 400                   | answer, go on       |
 * | BAD_VERSION          | SIP-Version other than SIP/2.0                              | 505                   | answer, go on       |
 * | BAD_REQUEST_URI      | the Request-URI is not a URI (`<sip:…>`, spaces)            | 400                   | answer, go on       |
 * | BAD_HEADER           | a header line, or a Via/From/To/Call-ID value, is malformed | 400                   | answer, go on       |
 * | MISSING_HEADER       | Via, From, To, Call-ID or CSeq missing; Content-Length on TCP | 400                 | close if C-L        |
 * | DUPLICATE_HEADER     | From, To, Call-ID or CSeq more than once                    | 400                   | answer, go on       |
 * | BAD_CONTENT_LENGTH   | negative, huge, conflicting, or beyond the datagram         | 400                   | close               |
 * | BAD_CSEQ             | CSeq not `number method`, or the number over 32 bits        | 400                   | answer, go on       |
 * | CSEQ_METHOD_MISMATCH | CSeq method differs from the request method                 | 400 (501 if the method is unknown) | answer, go on |
 *
 * A response is never answered: a broken one is dropped (RFC 3261 §18.3
 * says so of a truncated one).
 */
export type SipParseErrorCode =
  | 'EMPTY'
  | 'INCOMPLETE'
  | 'TRUNCATED'
  | 'TOO_LARGE'
  | 'MALFORMED_START_LINE'
  | 'BAD_VERSION'
  | 'BAD_REQUEST_URI'
  | 'BAD_HEADER'
  | 'MISSING_HEADER'
  | 'DUPLICATE_HEADER'
  | 'BAD_CONTENT_LENGTH'
  | 'BAD_CSEQ'
  | 'CSEQ_METHOD_MISMATCH';

export interface SipParseError {
  code: SipParseErrorCode;
  /** For logs: names the offending header, never echoes a value. */
  message: string;
  /** The header at fault, by its long name ('Via', 'Content-Length'…). */
  header?: string;
  /**
   * Set when the Request-Line was readable enough to name a method: what a
   * UAS needs to answer (RFC 3261 §8.2.6.2 copies Via, From, To, Call-ID and
   * CSeq from here). Never set for a response.
   */
  request?: { method: string; headers: SipHeader[] };
  /**
   * Bytes the caller may drop before reading on: the leading CRLFs of an
   * INCOMPLETE stream, or the whole of a well-framed but invalid message.
   * Absent when the framing itself is lost: a stream must then be closed.
   */
  consumed?: number;
}

export type ParseResult = { ok: true; message: SipMessage; consumed: number } | { ok: false; error: SipParseError };
