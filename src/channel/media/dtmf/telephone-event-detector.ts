import { seqDiff, tsAdd, tsDiff } from '../rtp/sequence.ts';
import { keyForEvent, type DtmfKey } from './keys.ts';
import { parseTelephoneEvents, type TelephoneEvent } from './rfc4733.ts';

// RFC 3550 A.1's bounds: within these a sequence number is "in order" or
// "late"; beyond them the stream jumped (new source, media re-anchored).
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
/** An in-order packet whose event starts this far before the last one is a re-anchored stream, not a repeat. */
const MAX_LOOKBACK = 0x20000;
/**
 * RFC 4733 §2.5.1.3: an event longer than the 16-bit duration field goes out
 * as segments, each with a new timestamp. A new timestamp with the same code
 * continues the event only when the previous segment had reached the cap
 * (give or take a few 50 ms updates we may have missed).
 */
const SEGMENT_CAP = 0xffff;
const SEGMENT_SLACK = 1600;

/**
 * Turns received telephone-event packets (RFC 4733) into key presses, each
 * reported once. A press is identified by its RTP timestamp: every packet of
 * one event carries the event's start time (RFC 4733 §2.3.5: "The event
 * duration begins at the time given by the RTP timestamp"), so the
 * continuation packets and the end packet, sent three times (§2.5.1.4), all
 * map to the press already reported, while a new press of the same key
 * starts at a new timestamp and is a new digit (§2.5.2.2). Reporting on the
 * first packet seen, not on the end, keeps latency low and survives lost end
 * packets.
 *
 * Pure state: no clock. Events 16 and up (flash, tones) are tracked but not
 * reported. A malformed payload throws `MALFORMED_DTMF` and changes nothing.
 *
 * @example
 *   const dtmf = new TelephoneEventDetector();
 *   for (const key of dtmf.push(p.timestamp, p.sequenceNumber, p.payload)) input.digit(key);
 */
export class TelephoneEventDetector {
  #has = false;
  #highestSeq = 0;
  #start = 0;
  #event = -1;
  #ended = false;
  #duration = 0;

  /** Feeds one packet; returns the keys it starts (usually none, at most one per packed event). */
  push(rtpTimestamp: number, sequenceNumber: number, payload: Uint8Array): DtmfKey[] {
    const events = parseTelephoneEvents(payload);
    const found: DtmfKey[] = [];
    let late = false;
    if (this.#has) {
      const d = seqDiff(sequenceNumber, this.#highestSeq);
      if (d > 0 && d < MAX_DROPOUT) this.#highestSeq = sequenceNumber;
      else if (d <= 0 && d >= -MAX_MISORDER) late = true;
      else this.#has = false;
    }
    if (!this.#has) this.#highestSeq = sequenceNumber;
    let start = rtpTimestamp >>> 0;
    for (const ev of events) {
      this.#observe(start, ev, late, found);
      start = tsAdd(start, ev.duration);
    }
    return found;
  }

  /** Forgets the stream, e.g. when the peer's SSRC changes. */
  reset(): void {
    this.#has = false;
  }

  #observe(start: number, ev: TelephoneEvent, late: boolean, found: DtmfKey[]): void {
    if (this.#has) {
      const dt = tsDiff(start, this.#start);
      if (dt === 0) {
        // The same press: a continuation or a (repeated) end packet.
        if (ev.event === this.#event) {
          this.#ended ||= ev.end;
          if (ev.duration > this.#duration) this.#duration = ev.duration;
        }
        return;
      }
      if (dt < 0 && (late || dt >= -MAX_LOOKBACK)) return; // a late packet or a repeat of an earlier event
      if (dt > 0 && this.#continuesSegment(ev, dt)) {
        this.#start = start;
        this.#duration = ev.duration;
        this.#ended = ev.end;
        return;
      }
    }
    this.#has = true;
    this.#start = start;
    this.#event = ev.event;
    this.#ended = ev.end;
    this.#duration = ev.duration;
    const key = keyForEvent(ev.event);
    if (key !== null) found.push(key);
  }

  #continuesSegment(ev: TelephoneEvent, dt: number): boolean {
    return ev.event === this.#event && !this.#ended && this.#duration >= SEGMENT_CAP - SEGMENT_SLACK && dt <= SEGMENT_CAP + 1;
  }
}
