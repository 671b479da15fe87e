import type { ReportBlock } from './rtcp.ts';
import { tsDiff } from './sequence.ts';

const RTP_SEQ_MOD = 0x10000;
// RFC 3550 A.1's suggested values.
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const MIN_SEQUENTIAL = 2;

/**
 * Reception statistics for one source, the data a report block carries:
 * sequence validation and extended sequence numbers (RFC 3550 A.1), loss
 * (A.3) and interarrival jitter (A.8). Pure state: arrival times are inputs
 * in milliseconds from the caller's clock.
 *
 * Feed it audio packets only: telephone-event packets repeat one timestamp
 * for a whole key press and would read as jitter.
 *
 * @example
 *   const stats = new RtpReceiveStats(8000);
 *   stats.update(p.sequenceNumber, p.timestamp, clock.now());
 *   const block = stats.report(p.ssrc, lastSrMiddle32, dlsr);
 */
export class RtpReceiveStats {
  readonly #clockRate: number;
  #started = false;
  #baseSeq = 0;
  #maxSeq = 0;
  #badSeq = RTP_SEQ_MOD + 1;
  #cycles = 0;
  #probation = MIN_SEQUENTIAL;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  #jitter = 0;
  #hasLast = false;
  #lastTs = 0;
  #lastArrivalMs = 0;

  constructor(clockRate: number) {
    this.#clockRate = clockRate;
  }

  /** Packets accepted so far (after probation). */
  get received(): number {
    return this.#received;
  }

  /**
   * Takes one packet into account. Returns false while the source is on
   * probation or after a sequence jump the algorithm does not yet trust.
   */
  update(sequenceNumber: number, rtpTimestamp: number, arrivalMs: number): boolean {
    const valid = this.#updateSeq(sequenceNumber);
    if (valid) this.#updateJitter(rtpTimestamp, arrivalMs);
    return valid;
  }

  /**
   * A report block for this source; resets the interval behind "fraction lost".
   * `lastSr`/`delaySinceLastSr` come from the caller, who saw the peer's SRs.
   */
  report(ssrc: number, lastSr = 0, delaySinceLastSr = 0): ReportBlock {
    const extendedMax = this.#cycles + this.#maxSeq;
    const expected = this.#received === 0 ? 0 : extendedMax - this.#baseSeq + 1;
    const lost = expected - this.#received;
    const expectedInterval = expected - this.#expectedPrior;
    const receivedInterval = this.#received - this.#receivedPrior;
    const lostInterval = expectedInterval - receivedInterval;
    this.#expectedPrior = expected;
    this.#receivedPrior = this.#received;
    return {
      ssrc,
      fractionLost: expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval),
      cumulativeLost: Math.max(-0x800000, Math.min(0x7fffff, lost)),
      highestSequence: extendedMax >>> 0,
      jitter: Math.floor(this.#jitter),
      lastSr,
      delaySinceLastSr,
    };
  }

  // RFC 3550 A.1 update_seq(), with the same names.
  #updateSeq(seq: number): boolean {
    if (!this.#started) {
      this.#started = true;
      this.#initSeq(seq);
      this.#maxSeq = (seq - 1) & 0xffff;
      this.#probation = MIN_SEQUENTIAL;
    }
    const udelta = (seq - this.#maxSeq) & 0xffff;
    if (this.#probation > 0) {
      if (seq === ((this.#maxSeq + 1) & 0xffff)) {
        this.#probation--;
        this.#maxSeq = seq;
        if (this.#probation === 0) {
          this.#initSeq(seq);
          this.#received++;
          return true;
        }
      } else {
        this.#probation = MIN_SEQUENTIAL - 1;
        this.#maxSeq = seq;
      }
      return false;
    } else if (udelta < MAX_DROPOUT) {
      // In order with a permissible gap; a smaller number means the 16 bits wrapped.
      if (seq < this.#maxSeq) this.#cycles += RTP_SEQ_MOD;
      this.#maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      if (seq === this.#badSeq) {
        // Two sequential packets after a big jump: the sender restarted; re-sync.
        this.#initSeq(seq);
      } else {
        this.#badSeq = (seq + 1) & 0xffff;
        return false;
      }
    }
    // else: duplicate or reordered packet, counted as received.
    this.#received++;
    return true;
  }

  #initSeq(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#badSeq = RTP_SEQ_MOD + 1;
    this.#cycles = 0;
    this.#received = 0;
    this.#receivedPrior = 0;
    this.#expectedPrior = 0;
  }

  // RFC 3550 A.8: J += (|D| - J) / 16, D the change in transit time in timestamp units.
  #updateJitter(ts: number, arrivalMs: number): void {
    if (this.#hasLast) {
      const d = ((arrivalMs - this.#lastArrivalMs) * this.#clockRate) / 1000 - tsDiff(ts, this.#lastTs);
      this.#jitter += (Math.abs(d) - this.#jitter) / 16;
    }
    this.#hasLast = true;
    this.#lastTs = ts;
    this.#lastArrivalMs = arrivalMs;
  }
}
