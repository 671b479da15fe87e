import { parseSipInfoDtmf, SIP_INFO_DTMF_TYPES } from '../../media/dtmf/sip-info.ts';
import { getHeader, parseContentType } from '../grammar/index.ts';
import type { SipRequest } from '../grammar/message.ts';

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

export type InfoBody = { kind: 'key'; key: string } | { kind: 'empty' } | { kind: 'unsupported' };

/** A key from a SIP INFO body (application/dtmf-relay or application/dtmf). */
export function dtmfFromInfo(req: SipRequest): InfoBody {
  if (req.body.length === 0) return { kind: 'empty' };
  const type = (getHeader(req, 'content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (!SIP_INFO_DTMF_TYPES.includes(type)) return { kind: 'unsupported' };
  try {
    return { kind: 'key', key: parseSipInfoDtmf(type, req.body).key };
  } catch {
    return { kind: 'unsupported' };
  }
}
