import { isToken } from './lexical.ts';
import type { SipUri } from './message.ts';
import type { SipParseErrorCode } from './parse-error.ts';
import { tryParseUri } from './uri.ts';

type StartLineError = { kind: 'error'; code: SipParseErrorCode; message: string; method?: string };

export type StartLine =
  | { kind: 'request'; method: string; uri: SipUri; rawUri: string; version: string }
  | { kind: 'response'; status: number; reason: string; version: string }
  | StartLineError;

const VERSION = /^SIP\/\d+\.\d+$/i;
const STATUS = /^[1-6]\d\d$/;

/**
 *   Request-Line  =  Method SP Request-URI SP SIP-Version CRLF
 *   Status-Line   =  SIP-Version SP Status-Code SP Reason-Phrase CRLF
 *   SIP-Version   =  "SIP" "/" 1*DIGIT "." 1*DIGIT
 *   Status-Code   =  3DIGIT (100 to 699)
 *
 * RFC 3261 §7.1: "The SIP-Version string is case-insensitive, but
 * implementations MUST send upper-case", so the version is kept upper-cased.
 * Liberal on whitespace between the elements and at the end of the line
 * (RFC 4475 lwsstart, trws), but a Request-URI holding whitespace is refused
 * (lwsruri; §7.1: "No linear whitespace (LWS) is allowed in any of the
 * elements"). `method` is set on an error when the line starts like a request.
 *
 * @example
 *   parseStartLine('OPTIONS sip:user@example.com SIP/2.0');  // { kind: 'request', method: 'OPTIONS', … }
 *   parseStartLine('SIP/2.0 100 ');                           // { kind: 'response', status: 100, reason: '', … }
 *   parseStartLine('OPTIONS sip:t.watson@example.org SIP/7.0'); // { kind: 'error', code: 'BAD_VERSION', method: 'OPTIONS', … }
 */
export function parseStartLine(line: string): StartLine {
  // RFC 3261 §7.1: "No CR or LF are allowed except in the end-of-line CRLF sequence."
  if (line.includes('\r')) return malformed('a bare CR in the start line');
  return /^SIP\//i.test(line) ? parseStatusLine(line) : parseRequestLine(line.trim());
}

function parseStatusLine(line: string): StartLine {
  const m = /^(\S+)[ \t]+(\S+)(?:[ \t](.*))?$/.exec(line);
  if (m === null) return malformed('the status line is not "SIP/2.0 code reason"');
  const [, version = '', code = '', reason = ''] = m;
  const bad = checkVersion(version);
  if (bad !== null) return bad;
  if (!STATUS.test(code)) return malformed('the status code is not 100 to 699');
  return { kind: 'response', status: Number(code), reason: reason.trim(), version: version.toUpperCase() };
}

function parseRequestLine(line: string): StartLine {
  const first = /[ \t]/.exec(line);
  const method = first === null ? line : line.slice(0, first.index);
  if (!isToken(method)) return malformed('the start line does not begin with a method');
  // Scanned by hand: a regex anchored at the end would backtrack
  // quadratically over a long run of spaces.
  const last = Math.max(line.lastIndexOf(' '), line.lastIndexOf('\t'));
  if (first === null || last <= first.index) {
    return { ...malformed('the request line is not "method uri version"'), method };
  }
  const version = line.slice(last + 1);
  const bad = checkVersion(version);
  if (bad !== null) return { ...bad, method };
  const rawUri = line.slice(first.index, last).trim();
  const uri = /\s/.test(rawUri) ? null : tryParseUri(rawUri);
  if (uri === null) return { kind: 'error', code: 'BAD_REQUEST_URI', message: 'the Request-URI is not a URI', method };
  return { kind: 'request', method, uri, rawUri, version: version.toUpperCase() };
}

function checkVersion(version: string): StartLineError | null {
  if (!VERSION.test(version)) return malformed('no SIP-Version where one belongs');
  // A UAS answers 505 (Version Not Supported, RFC 3261 §21.5.7) to any other version.
  if (version.toUpperCase() !== 'SIP/2.0') return { kind: 'error', code: 'BAD_VERSION', message: 'the SIP version is not 2.0' };
  return null;
}

function malformed(message: string): StartLineError {
  return { kind: 'error', code: 'MALFORMED_START_LINE', message };
}
