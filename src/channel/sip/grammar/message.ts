/**
 * SIP messages as plain data (RFC 3261 §7). The grammar layer parses bytes
 * into these and serialises them back; it does no I/O and keeps no state.
 */
export interface SipUri {
  /**
   * 'other' is any scheme this layer does not model (RFC 3261 §19.1: an
   * `absoluteURI`); such a URI keeps its text in `raw` and has an empty host.
   * A UAS answers 416 to it in a Request-URI (RFC 3261 §8.2.2.1).
   */
  scheme: 'sip' | 'sips' | 'tel' | 'other';
  /** Unescaped; for tel: the subscriber number (RFC 3966). */
  user: string | null;
  password: string | null;
  /** As written (an IPv6 reference keeps its brackets); empty for tel: and 'other'. */
  host: string;
  port: number | null;
  /** URI parameters (`;transport=udp;lr`), names lower-cased, values unescaped; a flag parameter has value null. */
  params: Record<string, string | null>;
  /** Escaped URI headers (`?subject=x`), kept but never applied. */
  headers: Record<string, string>;
  /** Scheme 'other' only: the URI as received, never interpreted. */
  raw?: string;
}

/** A name-addr or addr-spec with header parameters (From, To, Contact, Refer-To…). */
export interface NameAddr {
  displayName: string | null;
  uri: SipUri;
  /** Header parameters (`;tag=abc`), names lower-cased, values as written (a quoted-string keeps its quotes). */
  params: Record<string, string | null>;
}

export interface Via {
  /** "SIP/2.0/UDP" → protocol "SIP", version "2.0", transport "UDP". */
  protocol: string;
  version: string;
  transport: string;
  /** As written (an IPv6 reference keeps its brackets). */
  host: string;
  port: number | null;
  /** `;branch=…;received=…;rport`, names lower-cased, values as written. */
  params: Record<string, string | null>;
}

/** One header row as received: name as spelled on the wire, value unfolded and trimmed. */
export type SipHeader = [name: string, value: string];

interface SipMessageBase {
  /**
   * Headers in order, names as received. Lookups go through the helpers in
   * headers.ts, which fold compact forms (RFC 3261 §7.3.3) and case.
   */
  headers: SipHeader[];
  body: Buffer;
}

export interface SipRequest extends SipMessageBase {
  kind: 'request';
  method: string;
  uri: SipUri;
  /** The raw Request-URI text, for messages whose URI this parser does not model. */
  rawUri: string;
  version: string;
}

export interface SipResponse extends SipMessageBase {
  kind: 'response';
  status: number;
  reason: string;
  version: string;
}

export type SipMessage = SipRequest | SipResponse;
