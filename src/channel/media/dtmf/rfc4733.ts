import { ClaveError } from '../../../shared/index.ts';

/** One telephone-event (RFC 4733 §2.3) as carried in an RTP payload. */
export interface TelephoneEvent {
  /** Event code; 0-15 are the DTMF keys (see keys.ts). */
  event: number;
  /** E bit: this packet carries the end of the event (or of its last segment). */
  end: boolean;
  /** R bit, reserved; kept only so a parse shows what arrived. */
  reserved: boolean;
  /** Power level in -dBm0 (0-63); for DTMF, the tone's level. */
  volume: number;
  /** Duration so far of the event (or segment), in RTP timestamp units. */
  duration: number;
}

export const TELEPHONE_EVENT_LENGTH = 4;

function malformed(reason: string, message: string, details: Record<string, unknown> = {}): ClaveError {
  return new ClaveError('MALFORMED_DTMF', message, { reason, ...details });
}

/*
 * RFC 4733 §2.3, payload format:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     event     |E|R| volume    |          duration             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * RFC 4733 §2.5.1.5 allows several consecutive events in one packet: the
 * payload is then a run of these 4-octet blocks, the first starting at the
 * packet's RTP timestamp and each following one where the previous ended.
 */

/**
 * Parses the first (usually only) event of a telephone-event payload.
 * Throws `MALFORMED_DTMF` with `details.reason` `truncated` or `length`.
 *
 * @example
 *   parseTelephoneEvent(Buffer.from('058a0320', 'hex'));
 *   // { event: 5, end: true, reserved: false, volume: 10, duration: 800 }
 */
export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent {
  return parseTelephoneEvents(payload)[0]!;
}

/** Parses every event packed in a payload (RFC 4733 §2.5.1.5), in order. */
export function parseTelephoneEvents(payload: Uint8Array): TelephoneEvent[] {
  if (payload.length < TELEPHONE_EVENT_LENGTH) {
    throw malformed('truncated', 'telephone-event payload shorter than 4 octets', { length: payload.length });
  }
  if (payload.length % TELEPHONE_EVENT_LENGTH !== 0) {
    throw malformed('length', 'telephone-event payload is not a whole number of events', { length: payload.length });
  }
  const events: TelephoneEvent[] = [];
  for (let at = 0; at < payload.length; at += TELEPHONE_EVENT_LENGTH) {
    const flags = payload[at + 1]!;
    events.push({
      event: payload[at]!,
      end: (flags & 0x80) !== 0,
      // RFC 4733 §2.3.3, R bit: "The sender MUST set it to zero, and the receiver MUST ignore it."
      reserved: (flags & 0x40) !== 0,
      volume: flags & 0x3f,
      duration: (payload[at + 2]! << 8) | payload[at + 3]!,
    });
  }
  return events;
}

/**
 * Serialises one event into 4 octets (R always 0, RFC 4733 §2.3.3).
 *
 * @example
 *   serializeTelephoneEvent({ event: 11, end: false, volume: 10, duration: 160 }); // <0b 0a 00 a0>
 */
export function serializeTelephoneEvent(ev: Omit<TelephoneEvent, 'reserved'>): Buffer {
  const out = Buffer.allocUnsafe(TELEPHONE_EVENT_LENGTH);
  writeTelephoneEvent(ev, out, 0);
  return out;
}

/** Writes one event at `offset` without allocating; returns 4. */
export function writeTelephoneEvent(ev: Omit<TelephoneEvent, 'reserved'>, out: Uint8Array, offset: number): number {
  check('event', ev.event, 0xff);
  check('volume', ev.volume, 0x3f);
  check('duration', ev.duration, 0xffff);
  out[offset] = ev.event;
  out[offset + 1] = (ev.end ? 0x80 : 0) | ev.volume;
  out[offset + 2] = ev.duration >> 8;
  out[offset + 3] = ev.duration & 0xff;
  return TELEPHONE_EVENT_LENGTH;
}

function check(field: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new ClaveError('INVALID_ARGUMENT', `telephone-event ${field} out of range`, { field, value });
  }
}
