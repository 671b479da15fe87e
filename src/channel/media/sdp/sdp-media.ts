import type { SdpAttribute, SdpConnection, SdpMedia, SessionDescription } from './sdp.ts';
import { parseDecimal } from './sdp.ts';

/** What a payload type number stands for (a=rtpmap, RFC 4566 §6). */
export interface RtpMap {
  payloadType: number;
  encoding: string;
  clockRate: number;
  /** Audio channels; null when the rtpmap leaves it out (meaning 1). */
  channels: number | null;
}

export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

const DIRECTIONS: readonly string[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/**
 * RFC 3551 Table 4: static audio payload types an offer may list without an
 * rtpmap. Only the two we speak are needed; others without rtpmap stay unknown.
 */
const STATIC_AUDIO: Readonly<Record<string, Omit<RtpMap, 'payloadType'>>> = {
  '0': { encoding: 'PCMU', clockRate: 8000, channels: null },
  '8': { encoding: 'PCMA', clockRate: 8000, channels: null },
};

/** The value of the first attribute with this name (null for a flag), or undefined when absent. */
export function attributeValue(attributes: readonly SdpAttribute[], name: string): string | null | undefined {
  return attributes.find((a) => a.name === name)?.value;
}

/**
 * Resolves a format of an m= line to its codec: the a=rtpmap if present,
 * else the static assignment. Returns null for formats it cannot name.
 *
 * @example
 *   rtpMap(media, '101'); // { payloadType: 101, encoding: 'telephone-event', clockRate: 8000, channels: null }
 */
export function rtpMap(media: SdpMedia, format: string): RtpMap | null {
  const payloadType = parseDecimal(format);
  if (payloadType === null || payloadType > 127) return null;
  for (const a of media.attributes) {
    if (a.name !== 'rtpmap' || a.value === null) continue;
    const space = a.value.indexOf(' ');
    if (space < 0 || a.value.slice(0, space) !== format) continue;
    // <encoding name>/<clock rate>[/<encoding parameters>]
    const [encoding, rate, channels] = a.value.slice(space + 1).trim().split('/');
    const clockRate = parseDecimal(rate ?? '');
    if (!encoding || clockRate === null) return null;
    return { payloadType, encoding, clockRate, channels: channels === undefined ? null : parseDecimal(channels) };
  }
  const known = STATIC_AUDIO[format];
  return known ? { payloadType, ...known } : null;
}

/** The a=fmtp parameters for a format, or null. @example fmtp(media, '101') // '0-15' */
export function fmtp(media: SdpMedia, format: string): string | null {
  for (const a of media.attributes) {
    if (a.name === 'fmtp' && a.value !== null && a.value.startsWith(`${format} `)) return a.value.slice(format.length + 1).trim();
  }
  return null;
}

/**
 * The stream's direction: a media-level attribute wins over a session-level
 * one; with neither, sendrecv (RFC 4566 §6: "sendrecv" SHOULD be assumed).
 */
export function mediaDirection(session: SessionDescription, media: SdpMedia): SdpDirection {
  const own = media.attributes.find((a) => a.value === null && DIRECTIONS.includes(a.name));
  if (own) return own.name as SdpDirection;
  const shared = session.attributes.find((a) => a.value === null && DIRECTIONS.includes(a.name));
  return shared ? (shared.name as SdpDirection) : 'sendrecv';
}

/** The connection that applies to a stream: its own c= or the session's (RFC 4566 §5.7). */
export function mediaConnection(session: SessionDescription, media: SdpMedia): SdpConnection | null {
  return media.connection ?? session.connection;
}

/** A whole-millisecond attribute such as a=ptime / a=maxptime, or null if absent or unreadable. */
export function millisecondsAttribute(media: SdpMedia, name: 'ptime' | 'maxptime'): number | null {
  const value = attributeValue(media.attributes, name);
  if (value === undefined || value === null) return null;
  // Some phones write a=ptime:20.0; only the whole part matters at G.711's 8 samples/ms.
  const dot = value.indexOf('.');
  return parseDecimal((dot < 0 ? value : value.slice(0, dot)).trim());
}
