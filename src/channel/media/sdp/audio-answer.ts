import { ClaveError } from '../../../shared/index.ts';
import type { G711Name } from '../g711/g711-codec.ts';
import { directionFlags, directionOf, g711Format, isNullAddress, sendPtime, telephoneEventFormat, type NegotiatedAudio } from './audio-profile.ts';
import { mediaConnection, mediaDirection, type SdpDirection } from './sdp-media.ts';
import { parseSdp, type SdpMedia, type SessionDescription } from './sdp.ts';

/** What the callee's answer settles for our audio stream, as the RTP side needs it. */
export type AnsweredAudio = NegotiatedAudio;

/** An answer we cannot use: the caller that made the offer hangs up (BYE). */
export interface RefusedAudio {
  ok: false;
  reason: 'stream-count' | 'rejected' | 'not-audio' | 'unsupported-transport' | 'no-common-codec';
}

/**
 * Reads the answer to our audio offer (RFC 3264 §6 and §7, from the
 * offerer's side): the answer must have as many m= lines as the offer; our
 * audio stream must not be rejected (port 0); the codec is the first format
 * of the answer's stream that we offered (PCMU or PCMA at the offered
 * payload type); telephone-event if the answer kept it. `offer` is the
 * description we sent. A malformed answer, or an accepted stream without a
 * connection address, throws `MALFORMED_SDP`.
 *
 * @example
 *   const offer = createAudioOffer({ origin, local: { address: '192.0.2.10', port: 40000 } });
 *   const a = readAudioAnswer(okBody, offer);
 *   if (!a.ok) return hangUp(a.reason);
 *   a.codec; // { name: 'PCMA', pt: 8 }
 */
export function readAudioAnswer(answer: string | SessionDescription, offer: string | SessionDescription): AnsweredAudio | RefusedAudio {
  const offered = typeof offer === 'string' ? parseSdp(offer) : offer;
  const sdp = typeof answer === 'string' ? parseSdp(answer) : answer;
  const index = offered.media.findIndex((m) => m.media === 'audio' && m.port !== 0 && m.protocol === 'RTP/AVP');
  if (index < 0) throw new ClaveError('INVALID_ARGUMENT', 'The offer has no audio stream to answer', { field: 'offer' });
  // RFC 3264 §6: "The answer MUST contain exactly the same number of "m=" lines as the offer."
  // Streams pair up by position; with a line missing or added, none can be trusted.
  if (sdp.media.length !== offered.media.length) return refused('stream-count');
  const ours = offered.media[index]!;
  const theirs = sdp.media[index]!;
  if (theirs.media !== 'audio') return refused('not-audio');
  // RFC 3264 §6: "If a stream is rejected, the offerer and answerer MUST NOT generate media (or RTCP packets) for that stream."
  if (theirs.port === 0) return refused('rejected');
  if (theirs.protocol !== ours.protocol) return refused('unsupported-transport');
  const codec = pickCodec(theirs, ours);
  if (!codec) return refused('no-common-codec');
  const connection = mediaConnection(sdp, theirs);
  // RFC 4566 §5.7: a c= line is required at session level or in every media description.
  if (!connection) throw new ClaveError('MALFORMED_SDP', 'The answered audio stream has no c= line', { reason: 'connection' });
  const address = connection.address.split('/', 1)[0]!;
  return {
    ok: true,
    codec,
    telephoneEvent: keptTelephoneEvent(theirs, ours),
    remote: { address, port: theirs.port },
    ptime: sendPtime(theirs),
    direction: ourDirection(mediaDirection(offered, ours), mediaDirection(sdp, theirs), isNullAddress(address)),
    mediaIndex: index,
  };
}

function refused(reason: RefusedAudio['reason']): RefusedAudio {
  return { ok: false, reason };
}

/**
 * RFC 3264 §7: the offerer "MUST send using a media format listed in the
 * answer, and it SHOULD use the first media format listed in the answer".
 * A format counts only at the payload type we offered it with: RFC 3264
 * §6.1 says the answer "SHOULD" keep the offer's numbers, and one stream
 * type per law serves both our sending and our receiving, so an answer that
 * renumbers G.711 is refused (no-common-codec) rather than half understood.
 */
function pickCodec(theirs: SdpMedia, ours: SdpMedia): { name: G711Name; pt: number } | null {
  for (const format of theirs.formats) {
    const answered = g711Format(theirs, format);
    if (!answered || !ours.formats.includes(format)) continue;
    if (g711Format(ours, format)?.name === answered.name) return answered;
  }
  return null;
}

/**
 * The callee sends events at the payload type of our offer (RFC 3264 §5.1:
 * the offer's numbers say how the offerer wants to receive), so that is the
 * one to listen on, if the answer lists telephone-event at all.
 */
function keptTelephoneEvent(theirs: SdpMedia, ours: SdpMedia): { pt: number } | null {
  const kept = theirs.formats.some((f) => telephoneEventFormat(theirs, f) !== null);
  if (!kept) return null;
  for (const format of ours.formats) {
    const pt = telephoneEventFormat(ours, format);
    if (pt !== null) return { pt };
  }
  return null;
}

/**
 * RFC 3264 §6.1: a stream the answer marks recvonly is one the answerer only
 * receives on, so we only send on it (and sendonly the other way round);
 * inactive stops both ways. Never more than we offered, and nothing is sent
 * to a null address (RFC 3264 §8.4: 0.0.0.0 "means that neither RTP nor RTCP
 * should be sent to the peer").
 */
function ourDirection(offered: SdpDirection, answered: SdpDirection, nullAddress: boolean): SdpDirection {
  const o = directionFlags(offered);
  const a = directionFlags(answered);
  return directionOf(o.sends && a.receives && !nullAddress, o.receives && a.sends);
}
