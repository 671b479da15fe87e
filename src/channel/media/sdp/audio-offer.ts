import { checkLocalOptions, DEFAULT_PTIME, localDescription, SUPPORTED_CODECS, TELEPHONE_EVENTS_WE_RECEIVE, type LocalDescriptionOptions } from './audio-profile.ts';
import { serializeSdp, type SdpAttribute, type SdpMedia } from './sdp.ts';

/** Our side of the offer: o=, s=, where we receive, our a=ptime (see LocalDescriptionOptions). */
export type OfferOptions = LocalDescriptionOptions;

/** RFC 3551 Table 4: the static payload types of the laws we offer. */
const STATIC_PT: Readonly<Record<(typeof SUPPORTED_CODECS)[number], number>> = { PCMU: 0, PCMA: 8 };
/** RFC 4733 §7.1.1: telephone-event has no static type; 101 is what most phones and carriers use. */
export const OFFERED_TELEPHONE_EVENT_PT = 101;

/**
 * Our SDP offer for an outbound call (RFC 3264 §5): one audio stream over
 * RTP/AVP offering PCMU, PCMA and telephone-event (keys 0-9, *, #, A-D)
 * at 8 kHz, both ways, with the connection at session level and t=0 0
 * (RFC 3264 §5: "the "t=" line SHOULD be 0 0" for a session set up by SIP).
 * Throws INVALID_ARGUMENT for a port, ptime or o= number out of range.
 *
 * @example
 *   createAudioOffer({ origin: { username: 'clave', sessionId: '4711', sessionVersion: '0', address: '192.0.2.10' }, local: { address: '192.0.2.10', port: 40000 } });
 *   // …m=audio 40000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n…a=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n
 */
export function createAudioOffer(opts: OfferOptions): string {
  checkLocalOptions(opts);
  const te = OFFERED_TELEPHONE_EVENT_PT;
  const formats = [...SUPPORTED_CODECS.map((name) => `${STATIC_PT[name]}`), `${te}`];
  // RFC 3264 §5.1: rtpmap for every format, static ones included ("SHOULD"), so nothing hangs on RFC 3551's table.
  const attributes: SdpAttribute[] = [
    ...SUPPORTED_CODECS.map((name) => ({ name: 'rtpmap', value: `${STATIC_PT[name]} ${name}/8000` })),
    { name: 'rtpmap', value: `${te} telephone-event/8000` },
    { name: 'fmtp', value: `${te} ${TELEPHONE_EVENTS_WE_RECEIVE}` },
    { name: 'ptime', value: `${opts.ptime ?? DEFAULT_PTIME}` },
    { name: 'sendrecv', value: null },
  ];
  const audio: SdpMedia = { media: 'audio', port: opts.local.port, portCount: null, protocol: 'RTP/AVP', formats, information: null, connection: null, bandwidths: [], key: null, attributes };
  return serializeSdp(localDescription(opts, [{ start: '0', stop: '0', repeats: [] }], [audio]));
}
