import type { Socket } from 'node:dgram';
import {
  delaySinceLastSr,
  ntpFromUnixMs,
  ntpMiddle32,
  parseRtcp,
  RtpReceiveStats,
  SDES_CNAME,
  serializeRtcp,
  type ReportBlock,
  type RtcpPacket,
} from '../media/index.ts';

/** RFC 3550 §6.2: "the RECOMMENDED value for a fixed minimum interval is 5 seconds". */
export const RTCP_MIN_INTERVAL_MS = 5000;

export interface RtcpReporterOptions {
  /** The bound RTCP socket (our RTP port + 1); the reporter reads and writes it, its owner closes it. */
  socket: Socket;
  ssrc: number;
  cname: string;
  /** Monotonic milliseconds, for intervals and DLSR. */
  now: () => number;
  /** Unix milliseconds, for the SR's NTP timestamp. */
  wallclock: () => number;
  /** The minimum interval Tmin (RFC 3550 §6.2); default 5 s. Tests shorten it. */
  minIntervalMs?: number;
  /** Uniform in [0, 1): the interval's randomisation; injectable for tests. */
  random?: () => number;
}

/** What the RTP sender has done so far, for the sender info of an SR. */
export interface SenderState {
  packets: number;
  octets: number;
  /** The RTP timestamp that corresponds to "now" (the packet just sent). */
  rtpTimestamp: number;
}

interface Address {
  address: string;
  port: number;
}

/**
 * The RTCP side of one call's RTP session (RFC 3550 §6): compound reports
 * (SR while we send, RR otherwise, each with an SDES CNAME) at a randomised
 * interval around 5 s, a reception report block for the caller's audio, and
 * a BYE when the call ends. Reports go to the peer's RTCP address from the
 * SDP (a=rtcp, else its RTP port + 1) until RTCP arrives from the peer, then
 * back to where that came from (symmetric RTCP, RFC 4961).
 *
 * @example
 *   const rtcp = new RtcpReporter({ socket, ssrc, cname, now: () => performance.now(), wallclock: () => Date.now() });
 *   rtcp.setDestination({ address: '192.0.2.7', port: 40001 });
 *   rtcp.tick({ packets, octets, rtpTimestamp }); // every 20 ms; sends when due
 */
export class RtcpReporter {
  readonly #opts: RtcpReporterOptions;
  readonly #minIntervalMs: number;
  readonly #random: () => number;
  #dest: Address | null = null;
  #latched = false;
  #nextAt: number | null = null;
  /** Packets we had sent at the previous and the second-previous report (RFC 3550 §6.3.8 we_sent). */
  #sentAtReports: [number, number] = [0, 0];
  #stats: RtpReceiveStats | null = null;
  #peerSsrc = 0;
  #lastSr: { middle: number; at: number } | null = null;
  /** Compound packets sent, for tests and metrics. */
  reportsSent = 0;

  constructor(opts: RtcpReporterOptions) {
    this.#opts = opts;
    this.#minIntervalMs = opts.minIntervalMs ?? RTCP_MIN_INTERVAL_MS;
    this.#random = opts.random ?? Math.random;
    opts.socket.on('message', (data, rinfo) => this.receive(data, { address: rinfo.address, port: rinfo.port }));
  }

  /** The peer's RTCP address from the SDP; ignored once the peer's own RTCP showed where it is. */
  setDestination(dest: Address | null): void {
    if (!this.#latched) this.#dest = dest;
  }

  get destination(): Address | null {
    return this.#dest;
  }

  /** One audio packet from the caller, for the reception report (not telephone-events: see RtpReceiveStats). */
  onRtp(ssrc: number, sequenceNumber: number, timestamp: number): void {
    if (!this.#stats || ssrc !== this.#peerSsrc) {
      this.#stats = new RtpReceiveStats(8000);
      this.#peerSsrc = ssrc;
      this.#lastSr = null;
    }
    this.#stats.update(sequenceNumber, timestamp, this.#opts.now());
  }

  /** An RTCP datagram from the peer (on the RTCP port, or multiplexed on the RTP port). */
  receive(data: Buffer, from: Address): void {
    let packets: RtcpPacket[];
    try {
      packets = parseRtcp(data);
    } catch {
      return;
    }
    if (!this.#latched) {
      this.#latched = true;
      this.#dest = from;
    }
    for (const p of packets) {
      if (p.type === 'sr' && p.ssrc === this.#peerSsrc) {
        this.#lastSr = { middle: ntpMiddle32({ seconds: p.ntpSeconds, fraction: p.ntpFraction }), at: this.#opts.now() };
      }
    }
  }

  /** Called on every media tick; sends a compound report when one is due. */
  tick(sender: SenderState): void {
    const now = this.#opts.now();
    // RFC 3550 §6.2: "the delay before sending the first compound RTCP packet
    // may be set to half the minimum interval".
    this.#nextAt ??= now + this.#interval(this.#minIntervalMs / 2);
    if (now < this.#nextAt) return;
    this.#nextAt = now + this.#interval(this.#minIntervalMs);
    this.#send(this.#compound(sender, now));
  }

  /** RFC 3550 §6.6: a BYE (after a report, in one compound packet) as the session ends; `done` once it is on the wire. */
  bye(sender: SenderState, done: () => void): void {
    if (!this.#dest) {
      done();
      return;
    }
    const packets = this.#compound(sender, this.#opts.now());
    packets.push({ type: 'bye', ssrcs: [this.#opts.ssrc], reason: null });
    this.#send(packets, done);
  }

  /**
   * RFC 3550 §6.2: the interval "is varied randomly over the range [0.5,1.5]
   * times the calculated interval". With two participants and G.711's
   * bandwidth the calculated interval is the minimum; we skip timer
   * reconsideration (§6.3.3), so not its e-3/2 compensation either.
   */
  #interval(base: number): number {
    return base * (0.5 + this.#random());
  }

  #compound(sender: SenderState, now: number): RtcpPacket[] {
    const reports: ReportBlock[] = [];
    if (this.#stats && this.#stats.received > 0) {
      const lsr = this.#lastSr;
      reports.push(this.#stats.report(this.#peerSsrc, lsr?.middle ?? 0, lsr ? delaySinceLastSr(now - lsr.at) : 0));
    }
    const [previous, secondPrevious] = this.#sentAtReports;
    // RFC 3550 §6.4: an SR from a participant that "has sent data packets" since the second-previous report.
    const weSent = sender.packets > secondPrevious;
    this.#sentAtReports = [sender.packets, previous];
    const ssrc = this.#opts.ssrc;
    const report: RtcpPacket = weSent
      ? { type: 'sr', ssrc, ...ntp(this.#opts.wallclock()), rtpTimestamp: sender.rtpTimestamp >>> 0, packetCount: sender.packets, octetCount: sender.octets, reports }
      : { type: 'rr', ssrc, reports };
    // RFC 3550 §6.1: each compound packet starts with a report and carries an SDES CNAME.
    return [report, { type: 'sdes', chunks: [{ ssrc, items: [{ itemType: SDES_CNAME, value: this.#opts.cname }] }] }];
  }

  #send(packets: RtcpPacket[], done?: () => void): void {
    const dest = this.#dest;
    // RFC 3264 §8.4: a null address means "neither RTP nor RTCP should be sent".
    if (!dest || dest.address === '0.0.0.0' || dest.address === '::' || dest.port === 0) {
      done?.();
      return;
    }
    this.reportsSent++;
    // The callback also keeps send errors (ICMP unreachable) off the socket's 'error' event.
    this.#opts.socket.send(serializeRtcp(packets), dest.port, dest.address, () => done?.());
  }
}

function ntp(unixMs: number): { ntpSeconds: number; ntpFraction: number } {
  const t = ntpFromUnixMs(unixMs);
  return { ntpSeconds: t.seconds, ntpFraction: t.fraction };
}
