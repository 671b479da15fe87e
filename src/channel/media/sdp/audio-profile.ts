import { ClaveError } from '../../../shared/index.ts';
import type { G711Name } from '../g711/g711-codec.ts';
import { millisecondsAttribute, rtpMap, type SdpDirection } from './sdp-media.ts';
import type { SdpMedia, SdpTiming, SessionDescription } from './sdp.ts';

/**
 * What our side of an SDP exchange says about itself, whichever side of
 * RFC 3264 it is on (the answer to a caller's offer, or our own offer).
 */
export interface LocalDescriptionOptions {
  /**
   * Our o= line. RFC 3264 §5: session id and version are numbers that fit a
   * 64-bit signed integer; the dialog keeps the version and increments it for
   * every changed description (§8).
   */
  origin: { username?: string; sessionId: string; sessionVersion: string; address: string };
  /** s= text; "-" by default. */
  sessionName?: string;
  /** Where we receive RTP (RTCP on port + 1). */
  local: { address: string; port: number };
  /** The packetisation we ask the peer to send (our a=ptime), 20 ms by default. */
  ptime?: number;
}

/**
 * What an offer/answer exchange settled for the call's audio, whichever side
 * we were on (RFC 3264): what we send with and where, and our direction.
 */
export interface NegotiatedAudio {
  ok: true;
  /** The G.711 law we send with, at the payload type both sides use for it. */
  codec: { name: G711Name; pt: number };
  /** telephone-event as the other side sends it to us, or null when none was agreed. */
  telephoneEvent: { pt: number } | null;
  /** Where to send RTP; 0.0.0.0 or :: means "send nothing" (RFC 3264 §8.4). */
  remote: { address: string; port: number };
  /** The packetisation to send with: the other side's a=ptime when usable, else 20. */
  ptime: number;
  /** Our side of the stream. */
  direction: SdpDirection;
  /** Which m= line carries the call's audio (the same in offer and answer). */
  mediaIndex: number;
}

/** The codecs Clave speaks, in the order it offers them. */
export const SUPPORTED_CODECS: readonly G711Name[] = ['PCMU', 'PCMA'];
/** RFC 4733 §3.2 events 0-15: the twelve keys and A-D; the fmtp of every telephone-event we advertise. */
export const TELEPHONE_EVENTS_WE_RECEIVE = '0-15';
export const DEFAULT_PTIME = 20;
const MIN_PTIME = 10;
const MAX_PTIME = 60;

export function addrType(address: string): 'IP4' | 'IP6' {
  return address.includes(':') ? 'IP6' : 'IP4';
}

/** RFC 3264 §8.4: a connection address of 0.0.0.0 (or ::) means nothing is to be sent there. */
export function isNullAddress(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

/** A G.711 law at 8 kHz, mono, named by the format's rtpmap (or its static payload type); null for anything else. */
export function g711Format(m: SdpMedia, format: string): { name: G711Name; pt: number } | null {
  const map = rtpMap(m, format);
  if (!map || map.clockRate !== 8000 || (map.channels !== null && map.channels !== 1)) return null;
  const name = SUPPORTED_CODECS.find((s) => s === map.encoding.toUpperCase());
  return name ? { name, pt: map.payloadType } : null;
}

/** telephone-event at 8 kHz, the clock of the G.711 stream it rides with; null for anything else. */
export function telephoneEventFormat(m: SdpMedia, format: string): number | null {
  const map = rtpMap(m, format);
  return map && map.encoding.toLowerCase() === 'telephone-event' && map.clockRate === 8000 ? map.payloadType : null;
}

/** RFC 3264 §6.1 (and RFC 4566 §6): a=ptime is what the other side wants to receive; out of range means 20. */
export function sendPtime(m: SdpMedia): number {
  const wanted = millisecondsAttribute(m, 'ptime');
  const max = millisecondsAttribute(m, 'maxptime');
  let ptime = wanted !== null && wanted >= MIN_PTIME && wanted <= MAX_PTIME ? wanted : DEFAULT_PTIME;
  if (max !== null && max >= MIN_PTIME && ptime > max) ptime = max;
  return ptime;
}

/** Whether each side sends on a stream with this direction, seen from the side that wrote it. */
export function directionFlags(d: SdpDirection): { sends: boolean; receives: boolean } {
  return { sends: d === 'sendrecv' || d === 'sendonly', receives: d === 'sendrecv' || d === 'recvonly' };
}

export function directionOf(sends: boolean, receives: boolean): SdpDirection {
  return sends ? (receives ? 'sendrecv' : 'sendonly') : receives ? 'recvonly' : 'inactive';
}

/** Our own options are a caller's bug when wrong, never the peer's fault: INVALID_ARGUMENT. */
export function checkLocalOptions(opts: LocalDescriptionOptions): void {
  const { port } = opts.local;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ClaveError('INVALID_ARGUMENT', 'local RTP port out of range', { field: 'local.port' });
  const ptime = opts.ptime ?? DEFAULT_PTIME;
  if (!Number.isInteger(ptime) || ptime < MIN_PTIME || ptime > MAX_PTIME) throw new ClaveError('INVALID_ARGUMENT', 'ptime out of range', { field: 'ptime' });
  for (const [field, value] of [['origin.sessionId', opts.origin.sessionId], ['origin.sessionVersion', opts.origin.sessionVersion]] as const) {
    // RFC 3264 §5: representable as a 64-bit signed integer; digits only.
    if (!/^\d{1,19}$/.test(value) || BigInt(value) > 0x7fffffffffffffffn) throw new ClaveError('INVALID_ARGUMENT', `${field} is not a 63-bit number`, { field });
  }
}

/**
 * Our side's session description around its media (RFC 4566 §5): o= and s=
 * from the options, c= at session level on our RTP address, no other session
 * lines. The offer uses `t=0 0`; an answer echoes the offer's t= (RFC 3264 §6).
 *
 * @example
 *   serializeSdp(localDescription(opts, [{ start: '0', stop: '0', repeats: [] }], [audio]));
 */
export function localDescription(opts: LocalDescriptionOptions, timing: SdpTiming[], media: SdpMedia[]): SessionDescription {
  const { origin, local } = opts;
  return {
    version: 0,
    origin: { username: origin.username ?? '-', sessionId: origin.sessionId, sessionVersion: origin.sessionVersion, netType: 'IN', addrType: addrType(origin.address), address: origin.address },
    sessionName: opts.sessionName ?? '-',
    information: null,
    uri: null,
    emails: [],
    phones: [],
    connection: { netType: 'IN', addrType: addrType(local.address), address: local.address },
    bandwidths: [],
    timing,
    timeZones: null,
    key: null,
    attributes: [],
    media,
  };
}
