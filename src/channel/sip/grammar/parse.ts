import { headerKey } from './header-names.ts';
import { splitHeaderSection } from './header-section.ts';
import type { SipHeader, SipMessage } from './message.ts';
import type { ParseResult, SipParseError, SipParseErrorCode } from './parse-error.ts';
import { parseStartLine } from './start-line.ts';
import { checkCoreHeaders } from './validate.ts';

/** Longest start line plus header section read before giving up (RFC 4475 longreq is 3.4 KB). */
export const MAX_HEADER_BYTES = 32 * 1024;
/** Largest body accepted: a UDP datagram cannot carry more, and an IVR needs far less. */
export const MAX_BODY_BYTES = 64 * 1024;

type Mode = 'datagram' | 'stream';

/**
 * Parses one UDP datagram. The datagram is one message: bytes after the body
 * are ignored, and without Content-Length the body runs to the end.
 *
 * RFC 3261 §18.3: "If there are additional bytes in the transport packet
 * beyond the end of the body, they MUST be discarded. If the transport packet
 * ends before the end of the message body, this is considered an error. …
 * If the message has no Content-Length header field, the message body is
 * assumed to end at the end of the transport packet."
 *
 *   generic-message  =  start-line
 *                       *message-header
 *                       CRLF
 *                       [ message-body ]
 *
 * @example
 *   const r = parseMessage(datagram);
 *   if (r.ok) handle(r.message);
 *   else if (r.error.request) answer400(r.error.request); // or 505 for BAD_VERSION…
 */
export function parseMessage(buf: Buffer): ParseResult {
  return parseFramed(buf, 'datagram');
}

/**
 * Parses the first message of a TCP byte stream. INCOMPLETE means "call again
 * with more bytes" (drop `error.consumed` bytes first, when set); on success
 * drop `consumed` bytes and call again, as more messages may follow.
 *
 * RFC 3261 §7.5: "Implementations processing SIP messages over
 * stream-oriented transports MUST ignore any CRLF appearing before the
 * start-line". RFC 3261 §18.3: "The Content-Length header field MUST be used
 * with stream oriented transports."
 *
 * @example
 *   let r = parseStream(pending);
 *   while (r.ok) { handle(r.message); pending = pending.subarray(r.consumed); r = parseStream(pending); }
 */
export function parseStream(buf: Buffer): ParseResult {
  return parseFramed(buf, 'stream');
}

function parseFramed(buf: Buffer, mode: Mode): ParseResult {
  let start = 0;
  while (start < buf.length && (buf[start] === CR || buf[start] === LF)) start++;
  if (start === buf.length) {
    return mode === 'datagram' ? fail('EMPTY', 'no message, only line ends') : fail('INCOMPLETE', 'waiting for a start line', { consumed: start });
  }
  const end = findEmptyLine(buf, start);
  if (end === 'too-large') return fail('TOO_LARGE', `the header section exceeds ${MAX_HEADER_BYTES} bytes`);
  if (end === null) {
    if (mode === 'stream') return fail('INCOMPLETE', 'waiting for the end of the header section', { consumed: start });
    // A datagram cannot grow: say what can be said, so a UAS can answer 400.
    const section = splitHeaderSection(buf.toString('utf8', start));
    return fail('TRUNCATED', 'the datagram ends inside the header section', requestOf(section.startLine, section.headers));
  }
  const section = splitHeaderSection(buf.toString('utf8', start, end.emptyLine));
  const startLine = parseStartLine(section.startLine);
  const method = startLine.kind === 'request' ? startLine.method : startLine.kind === 'error' ? startLine.method : undefined;
  const request = method === undefined ? {} : { request: { method, headers: section.headers } };

  const length = contentLength(section.headers);
  if (length === 'bad') return fail('BAD_CONTENT_LENGTH', 'Content-Length is not one number within bounds', { ...request, header: 'Content-Length' });
  const available = buf.length - end.body;
  if (length === null && mode === 'stream') {
    return fail('MISSING_HEADER', 'no Content-Length on a stream', { ...request, header: 'Content-Length' });
  }
  const bodyLength = length ?? available;
  if (bodyLength > available) {
    if (mode === 'stream') return fail('INCOMPLETE', 'waiting for the rest of the body', { consumed: start });
    return fail('BAD_CONTENT_LENGTH', 'Content-Length runs past the end of the datagram', { ...request, header: 'Content-Length' });
  }
  const consumed = end.body + bodyLength;
  const framed = { ...request, consumed };

  if (startLine.kind === 'error') return fail(startLine.code, startLine.message, framed);
  if (section.badLine !== undefined) {
    return fail('BAD_HEADER', 'a line is not a header', { ...framed, ...(section.badLine === '' ? {} : { header: section.badLine }) });
  }
  const problem = checkCoreHeaders(section.headers, startLine.kind === 'request' ? startLine.method : null);
  if (problem !== null) return fail(problem.code, problem.message, { ...framed, ...(problem.header === undefined ? {} : { header: problem.header }) });

  const body = Buffer.from(buf.subarray(end.body, consumed));
  const message: SipMessage =
    startLine.kind === 'request'
      ? { kind: 'request', method: startLine.method, uri: startLine.uri, rawUri: startLine.rawUri, version: startLine.version, headers: section.headers, body }
      : { kind: 'response', status: startLine.status, reason: startLine.reason, version: startLine.version, headers: section.headers, body };
  return { ok: true, message, consumed };
}

const CR = 0x0d;
const LF = 0x0a;

/** Where the empty line ending the header section starts, and where the body starts after it. */
function findEmptyLine(buf: Buffer, start: number): { emptyLine: number; body: number } | null | 'too-large' {
  let pos = start;
  for (;;) {
    if (pos - start > MAX_HEADER_BYTES) return 'too-large';
    const lf = buf.indexOf(LF, pos);
    if (lf === -1) return buf.length - start > MAX_HEADER_BYTES ? 'too-large' : null;
    if (lf === pos || (lf === pos + 1 && buf[pos] === CR)) return { emptyLine: pos, body: lf + 1 };
    pos = lf + 1;
  }
}

/**
 *   Content-Length  =  ( "Content-Length" / "l" ) HCOLON 1*DIGIT
 *
 * Several rows are accepted only when they agree (RFC 4475 mcl01 shows why:
 * no one can tell which to trust). Null when there is none.
 */
function contentLength(headers: SipHeader[]): number | null | 'bad' {
  let length: number | null = null;
  for (const [name, value] of headers) {
    if (headerKey(name) !== 'content-length') continue;
    if (!/^\d+$/.test(value)) return 'bad';
    const digits = value.replace(/^0+(?=\d)/, '');
    const n = digits.length > 9 ? Infinity : Number(digits);
    if (n > MAX_BODY_BYTES || (length !== null && n !== length)) return 'bad';
    length = n;
  }
  return length;
}

function requestOf(startLine: string, headers: SipHeader[]): Partial<SipParseError> {
  const parsed = parseStartLine(startLine);
  const method = parsed.kind === 'request' ? parsed.method : parsed.kind === 'error' ? parsed.method : undefined;
  return method === undefined ? {} : { request: { method, headers } };
}

function fail(code: SipParseErrorCode, message: string, extra: Partial<SipParseError> = {}): ParseResult {
  return { ok: false, error: { ...extra, code, message } };
}
