import { headerKey } from './header-names.ts';
import type { HasHeaders } from './headers.ts';
import { isToken } from './lexical.ts';
import type { SipHeader, SipResponse } from './message.ts';
import { tryParseNameAddr } from './name-addr.ts';

/**
 * Builds a response to a request, or to the `request` of a parse error,
 * copying what RFC 3261 §8.2.6.2 requires:
 *
 * "The From field of the response MUST equal the From header field of the
 * request. The Call-ID header field of the response MUST equal the Call-ID
 * header field of the request. The CSeq header field of the response MUST
 * equal the CSeq field of the request. The Via header field values in the
 * response MUST equal the Via header field values in the request and MUST
 * maintain the same ordering. If a request contained a To tag in the request,
 * the To header field in the response MUST equal that of the request.
 * However, if the To header field in the request did not contain a tag, the
 * URI in the To header field in the response MUST equal the URI in the To
 * header field; additionally, the UAS MUST add a tag to the To header field
 * in the response (with the exception of the 100 (Trying) response, in which
 * a tag MAY be present)."
 *
 * RFC 3261 §8.2.6.1: "If a Timestamp header field was present in the request,
 * it MUST be copied into this 100 (Trying) response."
 *
 * Values are copied as received (a header missing from a broken request is
 * left out); names are written in their long form. `extraHeaders` follow the
 * copied ones; `toTag` is added to To when the request's To has none (every
 * answer but 100 needs one).
 *
 * @example
 *   responseTo(req, 405, 'Method Not Allowed', [['Allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS']], undefined, 'b7');
 */
export function responseTo(
  req: HasHeaders,
  status: number,
  reason: string,
  extraHeaders: readonly SipHeader[] = [],
  body: Buffer = Buffer.alloc(0),
  toTag?: string,
): SipResponse {
  const rows = (key: string): SipHeader[] => req.headers.filter(([n]) => headerKey(n) === key);
  const first = (key: string): string | undefined => rows(key)[0]?.[1];
  const headers: SipHeader[] = rows('via').map(([, v]): SipHeader => ['Via', v]);
  const from = first('from');
  if (from !== undefined) headers.push(['From', from]);
  const to = first('to');
  if (to !== undefined) headers.push(['To', withTag(to, toTag)]);
  const callId = first('call-id');
  if (callId !== undefined) headers.push(['Call-ID', callId]);
  const cseq = first('cseq');
  if (cseq !== undefined) headers.push(['CSeq', cseq]);
  const timestamp = first('timestamp');
  if (status === 100 && timestamp !== undefined) headers.push(['Timestamp', timestamp]);
  headers.push(...extraHeaders);
  return { kind: 'response', status, reason, version: 'SIP/2.0', headers, body };
}

function withTag(to: string, tag: string | undefined): string {
  if (tag === undefined) return to;
  // RFC 3261 §25.1: tag-param = "tag" EQUAL token.
  if (!isToken(tag)) throw new Error('a To tag must be a token');
  const parsed = tryParseNameAddr(to);
  // A To this layer cannot read is copied untouched rather than guessed at.
  if (parsed === null || parsed.params.tag !== undefined) return to;
  return `${to};tag=${tag}`;
}
