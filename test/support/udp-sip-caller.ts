import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { isRtcpPacket, parseRtp, serializeRtp, type RtpPacket } from '../../src/channel/media/index.ts';

/** A SIP message as this caller needs it: first line, headers by lower-case name, body. */
export interface SipMessage {
  firstLine: string;
  status: number | null;
  method: string | null;
  headers: Map<string, string[]>;
  body: string;
}

const COMPACT: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type' };

/** Parses one SIP datagram (RFC 3261 §7), enough to read responses and the line's BYE. */
export function parseSip(data: Buffer): SipMessage {
  const text = data.toString('utf8');
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? '' : text.slice(split + 4);
  const [firstLine = '', ...lines] = head.split('\r\n');
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  const status = /^SIP\/2\.0 (\d{3})/.exec(firstLine);
  return { firstLine, status: status ? Number(status[1]) : null, method: status ? null : (firstLine.split(' ')[0] ?? null), headers, body };
}

export interface ReceivedRtp {
  at: number;
  packet: RtpPacket;
}

/**
 * A hand-made SIP caller on loopback: an INVITE over UDP whose SDP offer
 * points at a second socket that records the line's RTP, the ACK, keys as
 * RTP, and a BYE either way. No SIP stack of ours is involved, so it checks
 * the line from the outside.
 *
 * @example
 *   const caller = await UdpSipCaller.open();
 *   await caller.invite({ target: `127.0.0.1:${port}`, dialed: '950183313', from: '+34600111222' });
 *   await caller.sendRtp(0, encodedTone);
 *   await caller.bye();
 */
export class UdpSipCaller {
  readonly sip: Socket;
  readonly media: Socket;
  readonly sipPort: number;
  readonly mediaPort: number;
  readonly rtp: ReceivedRtp[] = [];
  readonly messages: SipMessage[] = [];
  readonly callId = `${randomBytes(8).toString('hex')}@127.0.0.1`;
  readonly fromTag = randomBytes(4).toString('hex');
  #target = { host: '127.0.0.1', port: 0 };
  #dialed = '';
  #from = '';
  #toTag = '';
  #remoteTarget = '';
  #cseq = 1;
  #seq = 4000;
  #ts = 160_000;
  readonly #ssrc = 0x1234abcd;
  #lineHungUp = false;

  private constructor(sip: Socket, media: Socket) {
    this.sip = sip;
    this.media = media;
    this.sipPort = sip.address().port;
    this.mediaPort = media.address().port;
    sip.on('message', (data) => this.#onSip(parseSip(data)));
    media.on('message', (data) => {
      if (!isRtcpPacket(data)) this.rtp.push({ at: performance.now(), packet: parseRtp(Buffer.from(data)) });
    });
  }

  static async open(): Promise<UdpSipCaller> {
    const bind = async () => {
      const s = createSocket('udp4');
      await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
      return s;
    };
    return new UdpSipCaller(await bind(), await bind());
  }

  /** Whether the line sent BYE (answered 200 here). */
  get lineHungUp(): boolean {
    return this.#lineHungUp;
  }

  /** The 200's SDP answer. */
  answer = '';

  /**
   * INVITE, wait for the 200 (bounded), ACK. Returns the final status. The
   * offer has PCMU and telephone-event, or PCMU alone with `events: false`
   * (a carrier that sends keys as in-band tones).
   */
  async invite(opts: { target: string; dialed: string; from: string; timeoutMs?: number; events?: boolean }): Promise<number> {
    const events = opts.events ?? true;
    const [host = '127.0.0.1', port = '5060'] = opts.target.split(':');
    this.#target = { host, port: Number(port) };
    this.#dialed = opts.dialed;
    this.#from = opts.from;
    this.#remoteTarget = `sip:${opts.dialed}@${opts.target}`;
    const sdp = [
      'v=0',
      `o=caller 1 1 IN IP4 127.0.0.1`,
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=audio ${this.mediaPort} RTP/AVP 0${events ? ' 101' : ''}`,
      'a=rtpmap:0 PCMU/8000',
      ...(events ? ['a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15'] : []),
      'a=ptime:20',
      'a=sendrecv',
      '',
    ].join('\r\n');
    const request = this.#request('INVITE', this.#remoteTarget, this.#cseq, [['Contact', `<sip:${opts.from}@127.0.0.1:${this.sipPort}>`], ['Content-Type', 'application/sdp']], sdp);
    const until = performance.now() + (opts.timeoutMs ?? 10_000);
    let sentAt = -Infinity;
    for (;;) {
      const final = this.messages.find((m) => m.status !== null && m.status >= 200 && (m.headers.get('cseq')?.[0] ?? '').endsWith('INVITE'));
      if (final) {
        if (final.status! < 300) {
          const to = final.headers.get('to')?.[0] ?? '';
          this.#toTag = /;\s*tag=([^;>\s]+)/.exec(to)?.[1] ?? '';
          const contact = final.headers.get('contact')?.[0] ?? '';
          this.#remoteTarget = /<([^>]+)>/.exec(contact)?.[1] ?? this.#remoteTarget;
          this.answer = final.body;
          await this.#send(this.#request('ACK', this.#remoteTarget, this.#cseq, []));
        }
        return final.status!;
      }
      if (performance.now() > until) throw new Error('no final response to the INVITE');
      // RFC 3261 Timer A: retransmit while nothing (not even 100) came back.
      if (this.messages.length === 0 && performance.now() - sentAt > 500) {
        sentAt = performance.now();
        await this.#send(request);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Sends encoded audio (160 octets a packet) as RTP at the 20 ms pace; the first packet carries the marker. */
  async sendRtp(payloadType: number, codes: Buffer): Promise<void> {
    const start = performance.now();
    for (let at = 0, i = 0; at < codes.length; at += 160, i++) {
      const payload = Buffer.alloc(160, 0xff);
      codes.copy(payload, 0, at, Math.min(codes.length, at + 160));
      const packet = serializeRtp({ marker: i === 0, payloadType, sequenceNumber: this.#seq++ & 0xffff, timestamp: this.#ts >>> 0, ssrc: this.#ssrc, payload });
      this.#ts += 160;
      await new Promise<void>((resolve) => this.media.send(packet, this.#mediaTarget().port, this.#mediaTarget().address, () => resolve()));
      const wait = start + 20 * (i + 1) - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** Hangs up (unless the line already did) and closes the sockets. */
  async bye(): Promise<void> {
    if (!this.#lineHungUp && this.#toTag) await this.#send(this.#request('BYE', this.#remoteTarget, ++this.#cseq, []));
    await new Promise((r) => setTimeout(r, 100));
    this.sip.close();
    this.media.close();
  }

  #mediaTarget(): { address: string; port: number } {
    const c = /^c=IN IP4 (\S+)/m.exec(this.answer)?.[1] ?? '127.0.0.1';
    const port = Number(/^m=audio (\d+)/m.exec(this.answer)?.[1] ?? 0);
    return { address: c, port };
  }

  #onSip(msg: SipMessage): void {
    this.messages.push(msg);
    if (msg.status === 200 && (msg.headers.get('cseq')?.[0] ?? '').endsWith('INVITE') && this.#toTag) {
      // A retransmitted 200: our ACK crossed it; ACK again (RFC 3261 §13.2.2.4).
      void this.#send(this.#request('ACK', this.#remoteTarget, 1, []));
    }
    if (msg.method === 'BYE' || msg.method === 'INFO' || msg.method === 'NOTIFY' || msg.method === 'OPTIONS') {
      if (msg.method === 'BYE') this.#lineHungUp = true;
      const copy = ['via', 'from', 'to', 'call-id', 'cseq'].flatMap((h) => (msg.headers.get(h) ?? []).map((v) => `${h === 'call-id' ? 'Call-ID' : h === 'cseq' ? 'CSeq' : h[0]!.toUpperCase() + h.slice(1)}: ${v}`));
      void this.#send(Buffer.from(['SIP/2.0 200 OK', ...copy, 'Content-Length: 0', '', ''].join('\r\n')));
    }
  }

  #request(method: string, uri: string, cseq: number, extra: [string, string][], body = ''): Buffer {
    const lines = [
      `${method} ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.sipPort};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
      'Max-Forwards: 70',
      `From: <sip:${this.#from}@127.0.0.1>;tag=${this.fromTag}`,
      `To: <sip:${this.#dialed}@${this.#target.host}:${this.#target.port}>${this.#toTag && method !== 'INVITE' ? `;tag=${this.#toTag}` : ''}`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${cseq} ${method}`,
      ...extra.map(([k, v]) => `${k}: ${v}`),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ];
    return Buffer.from(lines.join('\r\n'));
  }

  #send(data: Buffer): Promise<void> {
    return new Promise((resolve) => this.sip.send(data, this.#target.port, this.#target.host, () => resolve()));
  }
}
