import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { RenderedPrompt } from '../../call/index.ts';
import { g711Codec, type G711Codec, type G711Name } from '../media/g711/g711-codec.ts';
import { TelephoneEventDetector } from '../media/dtmf/telephone-event-detector.ts';
import { isRtcpPacket, parseRtp, writeRtpHeader } from '../media/rtp/rtp.ts';
import type { MediaSession } from '../sip/ua/media-port.ts';
import type { MediaClock } from './media-clock.ts';

const SAMPLES_PER_PACKET = 160;
const HEADER = 12;

/** The outcome of SDP negotiation, as the RTP session needs it. */
export interface Negotiated {
  answerSdp: string;
  codec: { name: G711Name; pt: number };
  telephoneEvent: { pt: number } | null;
  remote: { address: string; port: number };
}

export interface RtpSessionDeps {
  clock: MediaClock;
  /** Answers an offer for this session's local address and port; null when nothing is in common. */
  negotiate(offerSdp: string, local: { address: string; port: number }): Negotiated | null;
  /** 8 kHz linear audio for a prompt (cached by the speech context). */
  audio(prompt: RenderedPrompt, language: string): Promise<Int16Array>;
  /** In-band tone detection on decoded audio, for carriers that send tones. */
  inband?: () => { push(samples: Int16Array): string[] };
}

/** G.711 of a prompt, encoded once per codec and shared by every call that plays it. */
const encodedCache = new WeakMap<Int16Array, Map<G711Name, Buffer>>();

function encoded(audio: Int16Array, codec: G711Codec): Buffer {
  let byCodec = encodedCache.get(audio);
  if (!byCodec) encodedCache.set(audio, (byCodec = new Map<G711Name, Buffer>()));
  let buf = byCodec.get(codec.name);
  if (!buf) byCodec.set(codec.name, (buf = codec.encode(audio)));
  return buf;
}

/**
 * One call's RTP (RFC 3550): sends prompts as G.711 at the media clock's
 * 20 ms pace (silence between them, so sequence numbers and timestamps run
 * on), marks the first packet of each prompt, latches onto the address the
 * caller's RTP comes from (symmetric RTP, for callers behind NAT) and turns
 * RFC 4733 events and in-band tones into keys.
 */
export class RtpSession implements MediaSession {
  onDigit: (key: string) => void = () => {};
  readonly #socket: Socket;
  readonly #deps: RtpSessionDeps;
  readonly #local: { address: string; port: number };
  readonly #ssrc = randomInt(1, 0xffffffff);
  #seq = randomInt(0, 0xffff);
  #ts = randomInt(0, 0xffffffff);
  #codec: G711Codec | null = null;
  #pt = 0;
  #eventPt: number | null = null;
  #remote: { address: string; port: number } | null = null;
  #latched = false;
  #unsubscribe: (() => void) | null = null;
  #closed = false;
  readonly #packet = Buffer.alloc(HEADER + SAMPLES_PER_PACKET);
  readonly #events = new TelephoneEventDetector();
  #sawEvents = false;
  #inband: { push(samples: Int16Array): string[] } | null = null;
  /** Prompts queued: encoded audio and where we are in it. */
  #queue: { audio: Buffer; offset: number; first: boolean }[] = [];
  #onEnded: (() => void) | null = null;
  #generation = 0;
  /** Packets sent, for tests and metrics. */
  sent = 0;

  private constructor(socket: Socket, local: { address: string; port: number }, deps: RtpSessionDeps) {
    this.#socket = socket;
    this.#local = local;
    this.#deps = deps;
    socket.on('message', (data, rinfo) => this.#receive(data, rinfo.address, rinfo.port));
    socket.on('error', () => {});
  }

  /** Binds an even port in [min, max] (RFC 3550 §11: RTP on even ports, RTCP on the next). */
  static async open(host: string, range: { min: number; max: number }, deps: RtpSessionDeps): Promise<RtpSession> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = range.min + 2 * randomInt(0, Math.floor((range.max - range.min) / 2));
      const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      const ok = await new Promise<boolean>((resolve) => {
        socket.once('error', () => resolve(false));
        socket.bind(port, host, () => resolve(true));
      });
      if (ok) return new RtpSession(socket, { address: host, port }, deps);
      socket.close();
    }
    throw new Error(`no free RTP port in ${range.min}-${range.max}`);
  }

  get localPort(): number {
    return this.#local.port;
  }

  negotiate(offerSdp: string): string | null {
    const result = this.#deps.negotiate(offerSdp, this.#local);
    if (!result) return null;
    this.#codec = g711Codec(result.codec.name);
    this.#pt = result.codec.pt;
    this.#eventPt = result.telephoneEvent?.pt ?? null;
    if (!this.#latched) this.#remote = result.remote;
    return result.answerSdp;
  }

  start(): void {
    if (this.#closed || this.#unsubscribe) return;
    this.#inband = this.#deps.inband?.() ?? null;
    this.#unsubscribe = this.#deps.clock.add(() => this.#tick());
  }

  play(prompts: RenderedPrompt[], language: string, onEnded: () => void): void {
    const generation = ++this.#generation;
    this.#queue = [];
    this.#onEnded = null;
    void Promise.all(prompts.map((p) => this.#deps.audio(p, language))).then(
      (clips) => {
        if (generation !== this.#generation || this.#closed || !this.#codec) return;
        const codec = this.#codec;
        this.#queue = clips.map((audio) => ({ audio: encoded(audio, codec), offset: 0, first: true }));
        this.#onEnded = onEnded;
        // The first packet of a new prompt goes at once, not at the next tick.
        if (this.#unsubscribe) this.#tick();
      },
      () => {
        // No audio (synthesis failed): the caller hears silence, the flow goes on.
        if (generation === this.#generation) onEnded();
      },
    );
  }

  stop(): void {
    this.#generation++;
    this.#queue = [];
    this.#onEnded = null;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.stop();
    this.#unsubscribe?.();
    this.#socket.close();
  }

  #tick(): void {
    if (this.#closed || !this.#codec || !this.#remote) return;
    const payload = this.#packet.subarray(HEADER);
    let marker = false;
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
          const done = this.#onEnded;
          this.#onEnded = null;
          done?.();
        }
      }
    } else {
      payload.fill(this.#codec.silence);
    }
    writeRtpHeader({ marker, payloadType: this.#pt, sequenceNumber: this.#seq, timestamp: this.#ts, ssrc: this.#ssrc }, this.#packet, 0);
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#ts = (this.#ts + SAMPLES_PER_PACKET) >>> 0;
    this.#socket.send(this.#packet, this.#remote.port, this.#remote.address);
    this.sent++;
  }

  #receive(data: Buffer, address: string, port: number): void {
    if (this.#closed || isRtcpPacket(data)) return;
    let packet;
    try {
      packet = parseRtp(data);
    } catch {
      return;
    }
    if (!this.#latched) {
      // Symmetric RTP: send where the caller's RTP comes from.
      this.#latched = true;
      this.#remote = { address, port };
    }
    if (this.#eventPt !== null && packet.payloadType === this.#eventPt) {
      this.#sawEvents = true;
      for (const key of this.#events.push(packet.timestamp, packet.sequenceNumber, packet.payload)) this.onDigit(key);
      return;
    }
    if (this.#inband && !this.#sawEvents && this.#codec && packet.payloadType === this.#pt) {
      for (const key of this.#inband.push(this.#codec.decode(packet.payload))) this.onDigit(key);
    }
  }
}
