import { ALAW_SILENCE, decodeAlaw, decodeAlawInto, encodeAlaw, encodeAlawInto } from './alaw.ts';
import { decodeUlaw, decodeUlawInto, encodeUlaw, encodeUlawInto, ULAW_SILENCE } from './mulaw.ts';

export type G711Name = 'PCMU' | 'PCMA';

/** One G.711 law behind a common shape, chosen once per call from the SDP answer. */
export interface G711Codec {
  readonly name: G711Name;
  /** Static RTP payload type (RFC 3551 Table 4). */
  readonly payloadType: 0 | 8;
  readonly clockRate: 8000;
  /** The code word for digital silence. */
  readonly silence: number;
  encode(samples: Int16Array): Buffer;
  encodeInto(samples: Int16Array, out: Uint8Array, offset?: number): number;
  decode(codes: Uint8Array): Int16Array;
  decodeInto(codes: Uint8Array, out: Int16Array, offset?: number): number;
}

const PCMU: G711Codec = Object.freeze({
  name: 'PCMU',
  payloadType: 0,
  clockRate: 8000,
  silence: ULAW_SILENCE,
  encode: encodeUlaw,
  encodeInto: encodeUlawInto,
  decode: decodeUlaw,
  decodeInto: decodeUlawInto,
});

const PCMA: G711Codec = Object.freeze({
  name: 'PCMA',
  payloadType: 8,
  clockRate: 8000,
  silence: ALAW_SILENCE,
  encode: encodeAlaw,
  encodeInto: encodeAlawInto,
  decode: decodeAlaw,
  decodeInto: decodeAlawInto,
});

/**
 * @example
 *   const codec = g711Codec(answer.codec.name);
 *   serializeRtp({ ..., payloadType: answer.codec.pt, payload: codec.encode(frame) });
 */
export function g711Codec(name: G711Name): G711Codec {
  return name === 'PCMU' ? PCMU : PCMA;
}
