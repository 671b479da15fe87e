import { parseSipInfoDtmf, SIP_INFO_DTMF_TYPES } from '../../media/dtmf/sip-info.ts';
import { getHeader, getHeaders, headerKey, parseContentType, splitTopLevel } from '../grammar/index.ts';
import type { SipRequest } from '../grammar/message.ts';
import { isClaveError } from '../../../shared/index.ts';

export type OfferBody = { kind: 'none' } | { kind: 'sdp'; sdp: string } | { kind: 'unsupported' };

/**
 * The SDP offer of an INVITE: the body when it is application/sdp, or the
 * application/sdp part of a multipart/mixed body (RFC 5621); any other type
 * is answered 415 (RFC 3261 §8.2.3).
 */
export function sdpBody(req: SipRequest): OfferBody {
  if (req.body.length === 0) return { kind: 'none' };
  const header = getHeader(req, 'content-type');
  if (!header) return { kind: 'unsupported' };
  const type = parseContentType(header);
  const mime = `${type.type}/${type.subtype}`.toLowerCase();
  if (mime === 'application/sdp') return { kind: 'sdp', sdp: req.body.toString('utf8') };
  if (mime === 'multipart/mixed' || mime === 'multipart/alternative') {
    const boundary = type.params['boundary'];
    if (!boundary) return { kind: 'unsupported' };
    for (const part of req.body.toString('utf8').split(`--${boundary.replace(/^"|"$/g, '')}`)) {
      const split = part.search(/\r?\n\r?\n/);
      if (split < 0) continue;
      const head = part.slice(0, split);
      if (/^content-type:\s*application\/sdp/im.test(head)) {
        const body = part.slice(split).replace(/^\r?\n\r?\n/, '').replace(/\r?\n$/, '');
        return { kind: 'sdp', sdp: body };
      }
    }
  }
  return { kind: 'unsupported' };
}

/** Media ranges that cover application/sdp. */
const SDP_RANGES: readonly string[] = ['application/sdp', 'application/*', '*/*'];

/**
 * Whether the request lets us answer with SDP. RFC 3261 §20.1: without
 * Accept, application/sdp is assumed; "An empty Accept header field means
 * that no formats are acceptable." A range with q=0 is a refusal (RFC 2616
 * §14.1, which §20.1 follows).
 *
 * @example
 *   acceptsSdp(invite); // false for "Accept: text/html" or an empty Accept, true for "Accept: application/*"
 */
export function acceptsSdp(req: SipRequest): boolean {
  if (!req.headers.some(([name]) => headerKey(name) === 'accept')) return true;
  return getHeaders(req, 'accept').some((range) => {
    const [mime = '', ...params] = splitTopLevel(range, ';');
    const q = params.map((p) => /^q\s*=\s*([0-9.]+)$/i.exec(p)?.[1]).find((v) => v !== undefined);
    if (q !== undefined && Number(q) === 0) return false;
    return SDP_RANGES.includes(mime.replace(/\s+/g, '').toLowerCase());
  });
}

export type InfoBody = { kind: 'key'; key: string } | { kind: 'empty' } | { kind: 'unsupported' } | { kind: 'malformed' };

/**
 * A key from a SIP INFO body (application/dtmf-relay or application/dtmf).
 * Another type is 'unsupported' (415); a DTMF type whose signal is not a key
 * is 'malformed' (400: the type was fine, the content was not).
 *
 * @example
 *   dtmfFromInfo(info); // { kind: 'key', key: '5' } for "Signal=5" in application/dtmf-relay
 */
export function dtmfFromInfo(req: SipRequest): InfoBody {
  if (req.body.length === 0) return { kind: 'empty' };
  const type = (getHeader(req, 'content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (!SIP_INFO_DTMF_TYPES.includes(type)) return { kind: 'unsupported' };
  try {
    return { kind: 'key', key: parseSipInfoDtmf(type, req.body).key };
  } catch (err) {
    if (isClaveError(err, 'MALFORMED_DTMF') && err.details['reason'] === 'signal') return { kind: 'malformed' };
    throw err;
  }
}
