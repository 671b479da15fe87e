import { randomBytes, randomInt } from 'node:crypto';
import type { Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { g711Codec, isRtcpPacket, parseRtp, TelephoneEventDetector, writeRtpHeader, type G711Codec, type G711Name, type SdpDirection } from '../media/index.ts';
import type { MediaClock } from './media-clock.ts';
import { bindPortPair } from './port-pair.ts';
import { RtcpReporter } from './rtcp-reporter.ts';

const SAMPLES_PER_PACKET = 160;
const HEADER = 12;

/** The outcome of SDP negotiation, as the RTP session needs it. */
export interface Negotiated {
  answerSdp: string;
  codec: { name: G711Name; pt: number };
  telephoneEvent: { pt: number } | null;
  remote: { address: string; port: number };
  /** Our side of the stream as answered; we send RTP only when it is sendrecv or sendonly (default sendrecv). */
  direction?: SdpDirection;
  /** The peer's RTCP address from a=rtcp (RFC 3605); default its RTP port + 1. */
  rtcp?: { address: string; port: number } | null;
}

/** What the stream itself needs of a negotiation (the answer's text stays with whoever answered). */
export type StreamParams = Omit<Negotiated, 'answerSdp'>;

export interface RtpStreamOptions {
  clock: MediaClock;
  /** In-band tone detection on decoded audio, for carriers that send tones instead of telephone-events. */
  inband?: () => { push(samples: Int16Array): string[] };
  /** RTCP's minimum report interval (RFC 3550 §6.2), 5 s by default; tests shorten it. */
  rtcpIntervalMs?: number;
  /** Uniform in [0, 1) for the RTCP interval; tests pin it. */
  random?: () => number;
  /** Unix milliseconds for RTCP's NTP timestamps. */
  wallclock?: () => number;
}

const isNullAddress = (address: string) => address === '0.0.0.0' || address === '::';

/**
 * One call's RTP (RFC 3550), without SDP or prompt lookup: sends G.711
 * clips already encoded for the negotiated codec at the media clock's 20 ms
 * pace (silence between them, so sequence numbers and timestamps run on),
 * marks the first packet of each clip, latches onto the address the caller's
 * RTP comes from (symmetric RTP, for callers behind NAT), turns RFC 4733
 * events into keys (or in-band tones, when no telephone-event was
 * negotiated), and reports on RTCP (RtcpReporter). On a recvonly/inactive
 * stream or a null address it keeps time and ends clips without sending.
 * RtpSession wraps it on the main thread; a media worker drives it directly.
 *
 * @example
 *   const stream = await RtpStream.open('192.0.2.10', { min: 20000, max: 29999 }, { clock });
 *   stream.apply(negotiated);
 *   stream.onDigit = (key) => report(key);
 *   stream.start(); // after the ACK
 *   stream.play([encodedGreeting], () => report('ended'));
 */
export class RtpStream {
  onDigit: (key: string) => void = () => {};
  readonly #socket: Socket;
  readonly #rtcpSocket: Socket;
  readonly #rtcp: RtcpReporter;
  readonly #opts: RtpStreamOptions;
  readonly #port: number;
  readonly #ssrc = randomInt(1, 0xffffffff);
  #seq = randomInt(0, 0xffff);
  #ts = randomInt(0, 0xffffffff);
  #codec: G711Codec | null = null;
  #pt = 0;
  #eventPt: number | null = null;
  #remote: { address: string; port: number } | null = null;
  #sending = true;
  #latched = false;
  /** After latching the socket is connected to the caller: sends skip the per-packet address lookup. */
  #link: 'open' | 'connecting' | 'connected' = 'open';
  #unsubscribe: (() => void) | null = null;
  #closed = false;
  readonly #events = new TelephoneEventDetector();
  #inband: { push(samples: Int16Array): string[] } | null = null;
  /** Clips queued: encoded audio and where we are in it. */
  #queue: { audio: Buffer; offset: number; first: boolean }[] = [];
  #onEnded: (() => void) | null = null;
  /** RTP packets sent, for tests, metrics and RTCP. */
  sent = 0;

  private constructor(pair: { port: number; rtp: Socket; rtcp: Socket }, opts: RtpStreamOptions) {
    this.#socket = pair.rtp;
    this.#rtcpSocket = pair.rtcp;
    this.#port = pair.port;
    this.#opts = opts;
    this.#socket.on('message', (data, rinfo) => this.#receive(data, rinfo.address, rinfo.port));
    this.#socket.on('error', () => {});
    this.#rtcpSocket.on('error', () => {});
    this.#rtcp = new RtcpReporter({
      socket: pair.rtcp,
      ssrc: this.#ssrc,
      // RFC 7022 §4.2: a random per-session CNAME, so reports do not identify the host.
      cname: randomBytes(12).toString('base64'),
      now: () => performance.now(),
      wallclock: opts.wallclock ?? (() => performance.timeOrigin + performance.now()),
      ...(opts.rtcpIntervalMs !== undefined ? { minIntervalMs: opts.rtcpIntervalMs } : {}),
      ...(opts.random ? { random: opts.random } : {}),
    });
  }

  /** Binds an even RTP port in [min, max] and RTCP on the next one (RFC 3550 §11). */
  static async open(host: string, range: { min: number; max: number }, opts: RtpStreamOptions): Promise<RtpStream> {
    return new RtpStream(await bindPortPair(host, range), opts);
  }

  get localPort(): number {
    return this.#port;
  }

  /** Where RTP goes now (the SDP's address, or the latched source). */
  get remote(): { address: string; port: number } | null {
    return this.#remote;
  }

  /** The negotiated codec, null before the first negotiation. */
  get codec(): G711Codec | null {
    return this.#codec;
  }

  /** RTCP compound packets sent so far. */
  get reportsSent(): number {
    return this.#rtcp.reportsSent;
  }

  /** Takes a negotiation's outcome (the first offer, or a re-INVITE's). */
  apply(result: StreamParams): void {
    this.#codec = g711Codec(result.codec.name);
    this.#pt = result.codec.pt;
    this.#eventPt = result.telephoneEvent?.pt ?? null;
    const direction = result.direction ?? 'sendrecv';
    // RFC 3264 §5.1/§8.4: nothing is sent on a recvonly or inactive stream, nor to a null address.
    this.#sending = (direction === 'sendrecv' || direction === 'sendonly') && !isNullAddress(result.remote.address);
    if (!this.#latched) {
      this.#remote = result.remote;
      this.#rtcp.setDestination(result.rtcp ?? { address: result.remote.address, port: result.remote.port + 1 });
    }
  }

  start(): void {
    if (this.#closed || this.#unsubscribe) return;
    this.#inband = this.#opts.inband?.() ?? null;
    this.#unsubscribe = this.#opts.clock.add(() => this.#tick());
  }

  /**
   * Replaces what is playing with `clips` (G.711 of the negotiated codec);
   * `onEnded` once the last one has been sent, unless stopped. The first
   * packet goes on the next tick, not now: an extra packet between ticks
   * would put the stream 20 ms ahead of its timestamps. With nothing to
   * say, the next tick reports the end.
   */
  play(clips: readonly Buffer[], onEnded: () => void): void {
    if (this.#closed) return;
    this.#queue = clips.filter((audio) => audio.length > 0).map((audio) => ({ audio, offset: 0, first: true }));
    this.#onEnded = onEnded;
  }

  stop(): void {
    this.#queue = [];
    this.#onEnded = null;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.stop();
    this.#socket.close();
    const started = this.#unsubscribe;
    if (!started) {
      this.#rtcpSocket.close();
      return;
    }
    started();
    // RFC 3550 §6.6: a participant leaving the session sends a BYE; close RTCP once it is out.
    let closed = false;
    const closeRtcp = () => {
      if (closed) return;
      closed = true;
      this.#rtcpSocket.close();
    };
    this.#rtcp.bye(this.#senderState(), closeRtcp);
    setTimeout(closeRtcp, 1000).unref();
  }

  #senderState() {
    // The timestamp of the packet last sent: its first sample is "now".
    return { packets: this.sent, octets: this.sent * SAMPLES_PER_PACKET, rtpTimestamp: (this.#ts - SAMPLES_PER_PACKET) >>> 0 };
  }

  #tick(): void {
    if (this.#closed || !this.#codec) return;
    // A fresh buffer per packet: dgram sends after a DNS step on the next
    // tick, and a clock catching up runs several ticks back to back.
    const packet = Buffer.allocUnsafe(HEADER + SAMPLES_PER_PACKET);
    const payload = packet.subarray(HEADER);
    let marker = false;
    let done: (() => void) | null = null;
    const current = this.#queue[0];
    if (current) {
      marker = current.first;
      current.first = false;
      const n = Math.min(SAMPLES_PER_PACKET, current.audio.length - current.offset);
      current.audio.copy(payload, 0, current.offset, current.offset + n);
      if (n < SAMPLES_PER_PACKET) payload.fill(this.#codec.silence, n);
      current.offset += n;
      if (current.offset >= current.audio.length) {
        this.#queue.shift();
        if (this.#queue.length === 0) {
          done = this.#onEnded;
          this.#onEnded = null;
        }
      }
    } else {
      payload.fill(this.#codec.silence);
      done = this.#onEnded;
      this.#onEnded = null;
    }
    // The one tick while the socket connects is skipped (sequence numbers stay consecutive).
    if (this.#sending && this.#remote && this.#link !== 'connecting') {
      writeRtpHeader({ marker, payloadType: this.#pt, sequenceNumber: this.#seq, timestamp: this.#ts, ssrc: this.#ssrc }, packet, 0);
      this.#seq = (this.#seq + 1) & 0xffff;
      if (this.#link === 'connected') this.#socket.send(packet);
      else this.#socket.send(packet, this.#remote.port, this.#remote.address);
      this.sent++;
    }
    // Media time runs on while we hold our tongue (RFC 3550 §5.1: the timestamp follows the sampling clock).
    this.#ts = (this.#ts + SAMPLES_PER_PACKET) >>> 0;
    this.#rtcp.tick(this.#senderState());
    // Last, from the clock's tick (which contains a throw): the owner may close the stream from here.
    done?.();
  }

  #receive(data: Buffer, address: string, port: number): void {
    if (this.#closed) return;
    if (isRtcpPacket(data)) {
      // RTCP multiplexed on the RTP port (RFC 5761) by a peer that did it anyway.
      this.#rtcp.receive(data, { address, port });
      return;
    }
    let packet;
    try {
      packet = parseRtp(data);
    } catch {
      return;
    }
    const isEvent = this.#eventPt !== null && packet.payloadType === this.#eventPt;
    const isAudio = this.#codec !== null && packet.payloadType === this.#pt;
    if (!isEvent && !isAudio) return;
    if (!this.#latched) this.#latch(address, port);
    if (isEvent) {
      let keys: string[];
      try {
        keys = this.#events.push(packet.timestamp, packet.sequenceNumber, packet.payload);
      } catch {
        return; // a malformed event payload (MALFORMED_DTMF): ignore the packet
      }
      for (const key of keys) this.onDigit(key);
      return;
    }
    this.#rtcp.onRtp(packet.ssrc, packet.sequenceNumber, packet.timestamp);
    // Tones are listened for only on a stream without telephone-event: a phone that sends events may
    // leave the tone in its audio too (a key would count twice), and decoding every packet of every
    // call for nothing is most of the receive path's cost.
    if (this.#inband && this.#eventPt === null && this.#codec) {
      for (const key of this.#inband.push(this.#codec.decode(packet.payload))) this.onDigit(key);
    }
  }

  /** Symmetric RTP (RFC 4961): send where the caller's RTP comes from. */
  #latch(address: string, port: number): void {
    this.#latched = true;
    const sdp = this.#remote;
    this.#remote = { address, port };
    this.#link = 'connecting';
    this.#socket.connect(port, address, () => {
      if (!this.#closed) this.#link = 'connected';
    });
    // Behind a NAT the SDP's RTCP address is as wrong as its RTP one: guess
    // the port next to the latched one until the peer's RTCP shows itself.
    if (sdp && (sdp.address !== address || sdp.port !== port)) this.#rtcp.setDestination({ address, port: port + 1 });
  }
}
