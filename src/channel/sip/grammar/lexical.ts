/**
 * The basic rules of RFC 3261 §25.1 that the header parsers share.
 *
 *   token          =  1*(alphanum / "-" / "." / "!" / "%" / "*"
 *                     / "_" / "+" / "`" / "'" / "~" )
 *   LWS            =  [*WSP CRLF] 1*WSP ; linear whitespace
 *   SWS            =  [LWS] ; sep whitespace
 *   quoted-string  =  SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE
 *   qdtext         =  LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
 *   quoted-pair    =  "\" (%x00-09 / %x0B-0C / %x0E-7F)
 *   escaped        =  "%" HEXDIG HEXDIG
 *
 * Header values reach these helpers already unfolded (every LWS is one SP),
 * so whitespace here is only SP or HTAB.
 */

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** unreserved = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")" */
export const UNRESERVED = ALPHANUM + "-_.!~*'()";

/** A membership test over ASCII characters, built once per character class. */
export function charClass(chars: string): (c: string | undefined) => boolean {
  const table = new Uint8Array(128);
  for (const c of chars) table[c.charCodeAt(0)] = 1;
  return (c) => c !== undefined && c.length === 1 && c.charCodeAt(0) < 128 && table[c.charCodeAt(0)] === 1;
}

export const isTokenChar = charClass(ALPHANUM + "-.!%*_+`'~");

/**
 * @example
 *   isToken('INVITE'); // true
 *   isToken('IN VITE'); // false
 */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (const c of s) if (!isTokenChar(c)) return false;
  return true;
}

export function isWsp(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

/**
 * Trims SP and HTAB only: String.prototype.trim would also eat characters
 * such as U+FEFF that a header value may legitimately start with.
 *
 * @example
 *   trimWsp(' \tvalue '); // 'value'
 */
export function trimWsp(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isWsp(s[start])) start++;
  while (end > start && isWsp(s[end - 1])) end--;
  return s.slice(start, end);
}

/**
 * Reads the quoted-string that opens at `text[start]` (a `"`), undoing
 * quoted-pairs. Returns null when the closing quote is missing.
 *
 * @example
 *   readQuoted('"a \\"b\\"" <sip:x@y>', 0); // { value: 'a "b"', end: 9 }
 */
export function readQuoted(text: string, start: number): { value: string; end: number } | null {
  if (text[start] !== '"') return null;
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const next = text[i + 1];
      // RFC 3261 §25.1: quoted-pair excludes CR and LF.
      if (next === undefined || next === '\r' || next === '\n') return null;
      value += next;
      i++;
    } else if (c === '"') {
      return { value, end: i + 1 };
    } else {
      value += c;
    }
  }
  return null;
}

/** Removes the quotes of a quoted-string parameter value; any other value is returned as is. */
export function unquote(value: string): string {
  if (!value.startsWith('"')) return value;
  const q = readQuoted(value, 0);
  return q !== null && q.end === value.length ? q.value : value;
}

/**
 * Splits at every `sep` that is neither inside a quoted-string nor inside
 * `<…>`: the list rule of RFC 3261 §7.3.1, where a comma inside a display
 * name or a URI does not separate values. Pieces are trimmed.
 *
 * @example
 *   splitTopLevel('"Doe, J" <sip:a@b>, <sip:c@d;x=1,2>', ','); // ['"Doe, J" <sip:a@b>', '<sip:c@d;x=1,2>']
 */
export function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let inQuote = false;
  let inAngle = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuote) {
      if (c === '\\') i++;
      else if (c === '"') inQuote = false;
    } else if (c === '"') {
      inQuote = true;
    } else if (c === '<') {
      inAngle = true;
    } else if (c === '>') {
      inAngle = false;
    } else if (c === sep && !inAngle) {
      parts.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  parts.push(text.slice(from).trim());
  return parts;
}

const HEX = /^[0-9A-Fa-f]{2}$/;

/**
 * Undoes `%HH` escapes (RFC 3261 §19.1.2); escaped octets are read as UTF-8.
 * The caller has checked that every `%` starts a valid escape.
 *
 * @example
 *   unescapePercent('I%20have%20spaces'); // 'I have spaces'
 */
export function unescapePercent(s: string): string {
  if (!s.includes('%')) return s;
  const chunks: Buffer[] = [];
  let i = 0;
  while (i < s.length) {
    const hex = s.slice(i + 1, i + 3);
    if (s[i] === '%' && HEX.test(hex)) {
      chunks.push(Buffer.of(parseInt(hex, 16)));
      i += 3;
    } else {
      const next = s.indexOf('%', i + 1);
      const end = next === -1 ? s.length : next;
      chunks.push(Buffer.from(s.slice(i, end), 'utf8'));
      i = end;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Escapes every character `keep` refuses as `%HH` of its UTF-8 octets.
 *
 * @example
 *   escapePercent('a b', charClass('ab')); // 'a%20b'
 */
export function escapePercent(s: string, keep: (c: string) => boolean): string {
  let out = '';
  for (const c of s) {
    if (keep(c)) out += c;
    else for (const b of Buffer.from(c, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** True when `s` is made only of `allowed` characters and well-formed `%HH` escapes. */
export function isEscapedText(s: string, allowed: (c: string) => boolean): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '%') {
      if (!HEX.test(s.slice(i + 1, i + 3))) return false;
      i += 2;
    } else if (!allowed(c)) {
      return false;
    }
  }
  return true;
}
