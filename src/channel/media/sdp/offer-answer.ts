import { ClaveError } from '../../../shared/index.ts';
import type { G711Name } from '../g711/g711-codec.ts';
import {
  checkLocalOptions,
  DEFAULT_PTIME,
  g711Format,
  isNullAddress,
  localDescription,
  sendPtime,
  telephoneEventFormat,
  TELEPHONE_EVENTS_WE_RECEIVE,
  type LocalDescriptionOptions,
  type NegotiatedAudio,
} from './audio-profile.ts';
import { mediaConnection, mediaDirection, type SdpDirection } from './sdp-media.ts';
import { parseSdp, serializeSdp, type SdpAttribute, type SdpMedia, type SessionDescription } from './sdp.ts';

/** Our side of the answer: o=, s=, where we receive, our a=ptime (see LocalDescriptionOptions). */
export type AnswerOptions = LocalDescriptionOptions;

/** Our answer to a caller's offer, and what it settles for the call's audio. */
export interface AudioAnswer extends NegotiatedAudio {
  answerSdp: string;
}

/** Nothing in the offer we can use: the UAS answers 488 with this Warning (RFC 3261 §20.43). */
export interface AudioRejection {
  ok: false;
  status: 488;
  reason: 'no-audio' | 'unsupported-transport' | 'no-common-codec';
  warning: { code: 302 | 304 | 305; text: string };
}

const REJECTIONS: Readonly<Record<AudioRejection['reason'], AudioRejection['warning']>> = {
  'no-audio': { code: 304, text: 'Media type not available' },
  'unsupported-transport': { code: 302, text: 'Incompatible transport protocol' },
  'no-common-codec': { code: 305, text: 'Incompatible media format' },
};

/**
 * Answers an audio offer (RFC 3264 §6): takes the first audio stream over
 * RTP/AVP that offers PCMU or PCMA, picks whichever of the two comes first in
 * the offer's order, adds telephone-event at the offer's payload type, and
 * rejects every other m= line with port 0 in the offer's order. A malformed
 * offer throws `MALFORMED_SDP` (answer 400); an offer with nothing usable
 * gives `{ ok: false, status: 488 }`.
 *
 * @example
 *   const a = answerAudioOffer(body, { origin: { sessionId: '4711', sessionVersion: '1', address: '192.0.2.10' }, local: { address: '192.0.2.10', port: 40000 } });
 *   if (!a.ok) return reply(488, { warning: a.warning });
 *   a.codec; // { name: 'PCMU', pt: 0 }
 */
export function answerAudioOffer(offer: string | SessionDescription, opts: AnswerOptions): AudioAnswer | AudioRejection {
  checkLocalOptions(opts);
  const sdp = typeof offer === 'string' ? parseSdp(offer) : offer;
  let chosen: { index: number; codec: { name: G711Name; pt: number }; te: number | null } | null = null;
  let sawAvp = false;
  let sawAudio = false;
  for (const [index, m] of sdp.media.entries()) {
    if (m.media !== 'audio' || m.port === 0) continue;
    sawAudio = true;
    if (m.protocol !== 'RTP/AVP') continue; // SRTP (RTP/SAVP), AVPF, DTLS: not spoken here.
    sawAvp = true;
    const codec = pickCodec(m);
    if (codec) {
      chosen = { index, codec, te: pickTelephoneEvent(m) };
      break;
    }
  }
  if (chosen === null) {
    const reason = sawAvp ? 'no-common-codec' : sawAudio ? 'unsupported-transport' : 'no-audio';
    return { ok: false, status: 488, reason, warning: REJECTIONS[reason] };
  }
  const { index, codec, te } = chosen;
  const offered = sdp.media[index]!;
  const connection = mediaConnection(sdp, offered);
  // RFC 4566 §5.7: a c= line is required at session level or in every media description.
  if (!connection) throw new ClaveError('MALFORMED_SDP', 'The audio stream has no c= line', { reason: 'connection' });
  const remoteAddress = connection.address.split('/', 1)[0]!;
  const direction = answerDirection(mediaDirection(sdp, offered), isNullAddress(remoteAddress));
  const ptime = sendPtime(offered);

  const formats = te === null ? [`${codec.pt}`] : [`${codec.pt}`, `${te}`];
  const attributes: SdpAttribute[] = [{ name: 'rtpmap', value: `${codec.pt} ${codec.name}/8000` }];
  if (te !== null) {
    attributes.push({ name: 'rtpmap', value: `${te} telephone-event/8000` }, { name: 'fmtp', value: `${te} ${TELEPHONE_EVENTS_WE_RECEIVE}` });
  }
  attributes.push({ name: 'ptime', value: `${opts.ptime ?? DEFAULT_PTIME}` }, { name: direction, value: null });

  // RFC 3264 §6: 'The "t=" line in the answer MUST equal that of the offer', and "The answer MUST contain exactly the
  // same number of "m=" lines as the offer", in the same order.
  const answer = localDescription(
    opts,
    sdp.timing,
    sdp.media.map((m, i) => (i === index ? acceptedMedia(opts.local.port, formats, attributes) : rejectedMedia(m))),
  );
  return {
    ok: true,
    answerSdp: serializeSdp(answer),
    codec,
    telephoneEvent: te === null ? null : { pt: te },
    remote: { address: remoteAddress, port: offered.port },
    ptime,
    direction,
    mediaIndex: index,
  };
}

/**
 * RFC 3264 §6.1: the answer uses the offer's payload type numbers, and picks
 * from the offer's list; we follow the offer's preference order.
 */
function pickCodec(m: SdpMedia): { name: G711Name; pt: number } | null {
  for (const format of m.formats) {
    const codec = g711Format(m, format);
    if (codec) return codec;
  }
  return null;
}

/** telephone-event at the offer's payload type. */
function pickTelephoneEvent(m: SdpMedia): number | null {
  for (const format of m.formats) {
    const pt = telephoneEventFormat(m, format);
    if (pt !== null) return pt;
  }
  return null;
}

/**
 * RFC 3264 §6.1: "If a stream is offered as sendonly, the corresponding
 * stream MUST be marked as recvonly or inactive in the answer. If a media
 * stream is listed as recvonly in the offer, the answer MUST be marked as
 * sendonly or inactive". An offered inactive stream "MUST be marked as
 * inactive". RFC 3264 §8.4: a connection address of 0.0.0.0 "means that
 * neither RTP nor RTCP should be sent to the peer", so we drop our sending.
 */
function answerDirection(offered: SdpDirection, nullAddress: boolean): SdpDirection {
  const mirrored: SdpDirection = offered === 'sendonly' ? 'recvonly' : offered === 'recvonly' ? 'sendonly' : offered;
  if (!nullAddress) return mirrored;
  return mirrored === 'sendrecv' ? 'recvonly' : mirrored === 'sendonly' ? 'inactive' : mirrored;
}

function acceptedMedia(port: number, formats: string[], attributes: SdpAttribute[]): SdpMedia {
  return { media: 'audio', port, portCount: null, protocol: 'RTP/AVP', formats, information: null, connection: null, bandwidths: [], key: null, attributes };
}

/**
 * RFC 3264 §6: "To reject an offered stream, the port number in the
 * corresponding stream in the answer MUST be set to zero. Any media formats
 * listed are ignored. At least one MUST be present".
 */
function rejectedMedia(m: SdpMedia): SdpMedia {
  const formats = m.formats.length > 0 ? m.formats : ['0'];
  return { media: m.media, port: 0, portCount: null, protocol: m.protocol, formats, information: null, connection: null, bandwidths: [], key: null, attributes: [] };
}
