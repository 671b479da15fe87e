import { isToken, isWsp, trimWsp } from './lexical.ts';
import type { SipHeader } from './message.ts';

export interface HeaderSection {
  startLine: string;
  /** The well-formed header rows, unfolded, values trimmed. */
  headers: SipHeader[];
  /** Set when some line is not a header: the name of the first such (or '' when unreadable). */
  badLine?: string;
}

/**
 * Splits the start line and header rows (the bytes before the empty line,
 * decoded), joining folded lines.
 *
 *   message-header  =  field-name HCOLON field-value CRLF
 *   HCOLON          =  *( SP / HTAB ) ":" SWS
 *   LWS             =  [*WSP CRLF] 1*WSP
 *
 * RFC 3261 §7.3.1: "Header fields can be extended over multiple lines by
 * preceding each extra line with at least one SP or horizontal tab (HT)."
 * RFC 3261 §25.1 lets a recipient replace any LWS by one SP, which is what
 * the unfolding does. A bare LF ends a line as CRLF does: RFC 3261 §7 asks
 * for CRLF from senders, and reading LF too loses nothing.
 *
 * @example
 *   splitHeaderSection('OPTIONS sip:a@b SIP/2.0\r\nSubject: one\r\n two\r\n');
 *   // { startLine: 'OPTIONS sip:a@b SIP/2.0', headers: [['Subject', 'one two']] }
 */
export function splitHeaderSection(text: string): HeaderSection {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.at(-1) === '') lines.pop();
  const section: HeaderSection = { startLine: lines[0] ?? '', headers: [] };
  let current: { name: string; pieces: string[] } | null = null;
  const flush = (): void => {
    if (current !== null) section.headers.push([current.name, current.pieces.map(trimWsp).filter((p) => p !== '').join(' ')]);
    current = null;
  };
  const bad = (name: string): void => {
    section.badLine ??= name;
  };
  for (const line of lines.slice(1)) {
    if (line.includes('\r')) {
      bad(current?.name ?? '');
      continue;
    }
    if (isWsp(line[0])) {
      if (current === null) bad('');
      else current.pieces.push(line);
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    let end = colon;
    while (end > 0 && isWsp(line[end - 1])) end--;
    const name = colon === -1 ? '' : line.slice(0, end);
    if (!isToken(name)) {
      bad(name);
      continue;
    }
    current = { name, pieces: [line.slice(colon + 1)] };
  }
  flush();
  return section;
}
