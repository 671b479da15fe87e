import { ClaveError } from '../../../shared/index.ts';

/** A session description (RFC 4566) as plain data; values are kept as text where SDP does. */
export interface SessionDescription {
  /** Always 0 (RFC 4566 §5.1). */
  version: 0;
  origin: SdpOrigin;
  sessionName: string;
  information: string | null;
  uri: string | null;
  emails: string[];
  phones: string[];
  connection: SdpConnection | null;
  bandwidths: SdpBandwidth[];
  timing: SdpTiming[];
  /** The z= line as received, if any. */
  timeZones: string | null;
  key: string | null;
  attributes: SdpAttribute[];
  media: SdpMedia[];
}

export interface SdpOrigin {
  username: string;
  /** Numeric text; may exceed 2^53, so never turned into a number. */
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
}

export interface SdpConnection {
  netType: string;
  /** "IP4" or "IP6". */
  addrType: string;
  /** As written, including any multicast "/ttl/count" suffix. */
  address: string;
}

export interface SdpBandwidth {
  type: string;
  value: number;
}

export interface SdpTiming {
  start: string;
  stop: string;
  /** r= lines under this t=, as received. */
  repeats: string[];
}

export interface SdpAttribute {
  name: string;
  /** Null for a property attribute (`a=sendrecv`). */
  value: string | null;
}

export interface SdpMedia {
  media: string;
  port: number;
  portCount: number | null;
  protocol: string;
  /** Payload type numbers for RTP/AVP, as text. */
  formats: string[];
  information: string | null;
  /** The first c= of the section (several are only meaningful for multicast). */
  connection: SdpConnection | null;
  bandwidths: SdpBandwidth[];
  key: string | null;
  attributes: SdpAttribute[];
}

function malformed(reason: string, message: string, line?: number): ClaveError {
  return new ClaveError('MALFORMED_SDP', message, line === undefined ? { reason } : { reason, line });
}

/*
 * RFC 4566 §5, the shape of a description ("*" marks optional lines):
 *
 *   Session description                Time description
 *      v=  (protocol version)             t=  (time the session is active)
 *      o=  (originator and session id)    r=* (zero or more repeat times)
 *      s=  (session name)
 *      i=* (session information)        Media description, if present
 *      u=* (URI of description)            m=  (media name and transport address)
 *      e=* (email address)                 i=* (media title)
 *      p=* (phone number)                  c=* (connection information --
 *      c=* (connection information --           optional if included at
 *           not required if included in         session level)
 *           all media)                     b=* (zero or more bandwidth
 *      b=* (zero or more bandwidth              information lines)
 *           information lines)             k=* (encryption key)
 *      One or more time descriptions       a=* (zero or more media
 *      z=* (time zone adjustments)              attribute lines)
 *      k=* (encryption key)
 *      a=* (zero or more session attribute lines)
 *      Zero or more media descriptions
 */

const KNOWN_TYPES = 'vosiuepcbtrzkam';

/**
 * Parses an SDP body. Liberal where real phones are sloppy (LF line ends,
 * blank lines, session lines out of order, a missing s= or t=), strict where
 * the answer depends on it. Throws `MALFORMED_SDP` with `details.reason`
 * one of `syntax`, `version`, `unknown-type`, `origin`, `duplicate`,
 * `connection`, `bandwidth`, `timing`, `media`.
 *
 * @example
 *   const offer = parseSdp(invite.body.toString('utf8'));
 *   offer.media[0]?.formats; // ['0', '8', '101']
 */
export function parseSdp(text: string): SessionDescription {
  let session: SessionDescription | null = null;
  let media: SdpMedia | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    // RFC 4566 §5: lines end in CRLF, "parsers SHOULD be tolerant and also accept records terminated with a single newline".
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (line.length === 0) continue;
    // RFC 4566 §5: "<type> MUST be exactly one case-significant character" and
    // "Whitespace MUST NOT be used on either side of the "=" sign."
    if (line.length < 2 || line[1] !== '=') throw malformed('syntax', 'SDP line is not <type>=<value>', i + 1);
    const type = line[0]!;
    const value = line.slice(2);
    if (session === null) {
      if (type !== 'v') throw malformed('version', 'SDP does not start with v=', i + 1);
      if (value !== '0') throw malformed('version', 'SDP version is not 0', i + 1);
      session = emptySession();
      continue;
    }
    // RFC 4566 §5: "a parser MUST completely ignore any session description
    // that contains a type letter that it does not understand".
    if (!KNOWN_TYPES.includes(type)) throw malformed('unknown-type', 'SDP line of an unknown type', i + 1);
    if (type === 'm') {
      media = parseMediaLine(value, i + 1);
      session.media.push(media);
    } else if (media) {
      applyMediaLine(media, type, value, i + 1);
    } else {
      applySessionLine(session, type, value, i + 1);
    }
  }
  if (session === null) throw malformed('version', 'SDP is empty');
  if (session.origin.sessionId === '') throw malformed('origin', 'SDP has no o= line');
  return session;
}

function emptySession(): SessionDescription {
  return {
    version: 0,
    origin: { username: '', sessionId: '', sessionVersion: '', netType: '', addrType: '', address: '' },
    sessionName: '',
    information: null,
    uri: null,
    emails: [],
    phones: [],
    connection: null,
    bandwidths: [],
    timing: [],
    timeZones: null,
    key: null,
    attributes: [],
    media: [],
  };
}

function applySessionLine(s: SessionDescription, type: string, value: string, line: number): void {
  switch (type) {
    case 'v':
      throw malformed('duplicate', 'second v= line', line);
    case 'o': {
      if (s.origin.sessionId !== '') throw malformed('duplicate', 'second o= line', line);
      const f = value.split(' ');
      if (f.length !== 6 || f.some((x) => x === '')) throw malformed('origin', 'o= needs six fields', line);
      s.origin = { username: f[0]!, sessionId: f[1]!, sessionVersion: f[2]!, netType: f[3]!, addrType: f[4]!, address: f[5]! };
      return;
    }
    case 's':
      s.sessionName = value;
      return;
    case 'i':
      s.information = value;
      return;
    case 'u':
      s.uri = value;
      return;
    case 'e':
      s.emails.push(value);
      return;
    case 'p':
      s.phones.push(value);
      return;
    case 'c':
      if (s.connection) throw malformed('duplicate', 'second session-level c= line', line);
      s.connection = parseConnection(value, line);
      return;
    case 'b':
      s.bandwidths.push(parseBandwidth(value, line));
      return;
    case 't': {
      const f = value.split(' ');
      if (f.length !== 2) throw malformed('timing', 't= needs start and stop', line);
      s.timing.push({ start: f[0]!, stop: f[1]!, repeats: [] });
      return;
    }
    case 'r': {
      const last = s.timing[s.timing.length - 1];
      if (!last) throw malformed('timing', 'r= without a t= before it', line);
      last.repeats.push(value);
      return;
    }
    case 'z':
      s.timeZones = value;
      return;
    case 'k':
      s.key = value;
      return;
    case 'a':
      s.attributes.push(parseAttribute(value));
      return;
  }
}

function parseMediaLine(value: string, line: number): SdpMedia {
  // m=<media> <port>[/<number of ports>] <proto> <fmt> ...
  const f = value.split(' ').filter((x) => x !== '');
  if (f.length < 3) throw malformed('media', 'm= needs media, port and protocol', line);
  const [portText, countText] = f[1]!.split('/', 2) as [string, string | undefined];
  const port = parsePort(portText);
  const portCount = countText === undefined ? null : parsePort(countText);
  if (port === null || (countText !== undefined && portCount === null)) throw malformed('media', 'm= port is not a number 0-65535', line);
  return { media: f[0]!, port, portCount, protocol: f[2]!, formats: f.slice(3), information: null, connection: null, bandwidths: [], key: null, attributes: [] };
}

function applyMediaLine(m: SdpMedia, type: string, value: string, line: number): void {
  switch (type) {
    case 'i':
      m.information = value;
      return;
    case 'c':
      m.connection ??= parseConnection(value, line);
      return;
    case 'b':
      m.bandwidths.push(parseBandwidth(value, line));
      return;
    case 'k':
      m.key = value;
      return;
    case 'a':
      m.attributes.push(parseAttribute(value));
      return;
    default:
      throw malformed('syntax', `${type}= is not allowed inside a media description`, line);
  }
}

function parseConnection(value: string, line: number): SdpConnection {
  const f = value.split(' ');
  if (f.length !== 3 || f.some((x) => x === '')) throw malformed('connection', 'c= needs network type, address type and address', line);
  return { netType: f[0]!, addrType: f[1]!, address: f[2]! };
}

function parseBandwidth(value: string, line: number): SdpBandwidth {
  const colon = value.indexOf(':');
  const n = colon > 0 ? parseDecimal(value.slice(colon + 1)) : null;
  if (n === null) throw malformed('bandwidth', 'b= is not <type>:<number>', line);
  return { type: value.slice(0, colon), value: n };
}

function parseAttribute(value: string): SdpAttribute {
  const colon = value.indexOf(':');
  return colon < 0 ? { name: value, value: null } : { name: value.slice(0, colon), value: value.slice(colon + 1) };
}

function parsePort(text: string): number | null {
  const n = parseDecimal(text);
  return n !== null && n <= 65535 ? n : null;
}

/** A run of ASCII digits as a number, or null (Number() would accept "", " 1", "0x10", "1e3"). */
export function parseDecimal(text: string): number | null {
  if (text.length === 0 || text.length > 15) return null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  return Number(text);
}

/**
 * Serialises a description in the order RFC 4566 §5 requires, CRLF line ends.
 *
 * @example
 *   serializeSdp(parseSdp(offer)); // same description, canonical order
 */
export function serializeSdp(s: SessionDescription): string {
  const out: string[] = ['v=0'];
  const o = s.origin;
  out.push(`o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`);
  // RFC 4566 §5.3: "If a session has no meaningful name, the value "s= " SHOULD be used".
  out.push(`s=${s.sessionName === '' ? ' ' : s.sessionName}`);
  if (s.information !== null) out.push(`i=${s.information}`);
  if (s.uri !== null) out.push(`u=${s.uri}`);
  for (const e of s.emails) out.push(`e=${e}`);
  for (const p of s.phones) out.push(`p=${p}`);
  if (s.connection) out.push(connectionLine(s.connection));
  for (const b of s.bandwidths) out.push(`b=${b.type}:${b.value}`);
  const timing = s.timing.length > 0 ? s.timing : [{ start: '0', stop: '0', repeats: [] }];
  for (const t of timing) {
    out.push(`t=${t.start} ${t.stop}`);
    for (const r of t.repeats) out.push(`r=${r}`);
  }
  if (s.timeZones !== null) out.push(`z=${s.timeZones}`);
  if (s.key !== null) out.push(`k=${s.key}`);
  for (const a of s.attributes) out.push(attributeLine(a));
  for (const m of s.media) {
    const port = m.portCount === null ? `${m.port}` : `${m.port}/${m.portCount}`;
    out.push(`m=${[m.media, port, m.protocol, ...m.formats].join(' ')}`);
    if (m.information !== null) out.push(`i=${m.information}`);
    if (m.connection) out.push(connectionLine(m.connection));
    for (const b of m.bandwidths) out.push(`b=${b.type}:${b.value}`);
    if (m.key !== null) out.push(`k=${m.key}`);
    for (const a of m.attributes) out.push(attributeLine(a));
  }
  return out.join('\r\n') + '\r\n';
}

function connectionLine(c: SdpConnection): string {
  return `c=${c.netType} ${c.addrType} ${c.address}`;
}

function attributeLine(a: SdpAttribute): string {
  return a.value === null ? `a=${a.name}` : `a=${a.name}:${a.value}`;
}
