import { headerKey } from './header-names.ts';
import { isToken } from './lexical.ts';
import type { SipMessage } from './message.ts';
import { formatUri } from './uri.ts';

/**
 * Writes a message in canonical form: CRLF line ends, `Name: value`, header
 * order kept, and one Content-Length equal to the body's length (in place of
 * the first one the message had, else last). The Request-URI is written from
 * `uri`, so a changed URI is what goes out.
 *
 * RFC 3261 §7: "The start-line, each message-header line, and the empty line
 * MUST be terminated by a carriage-return line-feed sequence (CRLF). Note
 * that the empty line MUST be present even if the message-body is not."
 * RFC 3261 §7.1: implementations "MUST send upper-case" versions.
 *
 * A header name that is not a token, or a CR or LF inside a start line or
 * header value, is a bug in the caller (it would let text forge headers):
 * it throws.
 *
 * @example
 *   serializeMessage(responseTo(req, 200, 'OK', [], undefined, 'a1')).toString();
 *   // 'SIP/2.0 200 OK\r\nVia: …\r\n…Content-Length: 0\r\n\r\n'
 */
export function serializeMessage(msg: SipMessage): Buffer {
  const version = msg.version.toUpperCase();
  const startLine = msg.kind === 'request' ? `${msg.method} ${formatUri(msg.uri)} ${version}` : `${version} ${msg.status} ${msg.reason}`;
  const lines = [checkText(startLine)];
  let lengthWritten = false;
  for (const [name, value] of msg.headers) {
    if (!isToken(name)) throw new Error(`header name ${JSON.stringify(name)} is not a token`);
    if (headerKey(name) === 'content-length') {
      if (!lengthWritten) lines.push(`${name}: ${msg.body.length}`);
      lengthWritten = true;
      continue;
    }
    lines.push(`${name}: ${checkText(value)}`);
  }
  if (!lengthWritten) lines.push(`Content-Length: ${msg.body.length}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8'), msg.body]);
}

function checkText(text: string): string {
  if (/[\r\n]/.test(text)) throw new Error('a CR or LF inside a start line or header value');
  return text;
}
