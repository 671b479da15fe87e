/**
 * SDP that real peers send, shared by the offer/answer tests of the media
 * and RTP layers.
 */

/**
 * SDP lines as on the wire: each ends in CRLF (RFC 4566 §5).
 *
 * @example
 *   crlf(['v=0', 'o=- 1 1 IN IP4 192.0.2.5', 's=-', 'c=IN IP4 192.0.2.5', 't=0 0', 'm=audio 5000 RTP/AVP 8']);
 */
export function crlf(lines: string[]): string {
  return lines.join('\r\n') + '\r\n';
}

/** SIPp's built-in scenarios' SDP, fields filled in: the uac offers and the uas answers PCMU alone, from 127.0.0.1:6000. */
export const SIPP_PCMU = crlf(['v=0', 'o=user1 53655765 2353687637 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 6000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000']);

/** baresip 3.x's last media lines, after any codec it lists before G.711: the laws, telephone-event, then its own extras. */
export const BARESIP_G711_LINES = [
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=rtcp-rsize',
  'a=ssrc:1496893462 cname:5f4b9a5b-3c1e-4f6a-9d1e-2f3c4b5a6d7e',
  'a=sendrecv',
  'a=label:1',
  'a=ptime:20',
] as const;

/**
 * A European carrier's Asterisk answering: A-law and telephone-event
 * (events 0-16) from 203.0.113.5:12000, then the attributes of `tail`.
 *
 * @example
 *   asteriskAnswer(['a=ptime:20', 'a=sendrecv']);
 */
export function asteriskAnswer(tail: string[]): string {
  return crlf([
    'v=0',
    'o=root 1187331392 1187331393 IN IP4 203.0.113.5',
    's=Asterisk PBX 18.20.0',
    'c=IN IP4 203.0.113.5',
    't=0 0',
    'm=audio 12000 RTP/AVP 8 101',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
    ...tail,
  ]);
}
