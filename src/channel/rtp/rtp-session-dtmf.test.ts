import { afterEach, describe, expect, it } from 'vitest';
import { concatSamples, dtmfTone, encodeUlaw, eventForKey, InbandDtmfDetector, serializeRtp, serializeTelephoneEvent } from '../media/index.ts';
import type { RtpSession } from './rtp-session.ts';
import { openTestSession } from './testing/session-harness.ts';
import { UdpPeer } from './testing/udp-peer.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SSRC = 0x5eed;

/** The caller's side: one RTP stream with its own sequence numbers and clock. */
class Caller {
  seq = 1000;
  ts = 80_000;
  readonly peer: UdpPeer;
  readonly to: number;
  constructor(peer: UdpPeer, to: number) {
    this.peer = peer;
    this.to = to;
  }

  /** RFC 4733 §2.5.1: a start packet, updates every 50 ms, then the end packet three times, all at the event's start timestamp. */
  async event(key: string, durationMs = 100, pt = 101): Promise<void> {
    const event = eventForKey(key)!;
    const start = this.ts;
    const steps = Math.max(1, Math.floor(durationMs / 50));
    for (let i = 1; i <= steps; i++) await this.#send(pt, start, serializeTelephoneEvent({ event, end: false, volume: 10, duration: 400 * i }), i === 1);
    for (let i = 0; i < 3; i++) await this.#send(pt, start, serializeTelephoneEvent({ event, end: true, volume: 10, duration: 400 * steps }), false);
    this.ts += 8 * durationMs;
  }

  /** Audio as PCMU packets of 160 samples. */
  async audio(samples: Int16Array): Promise<void> {
    const codes = encodeUlaw(samples);
    for (let at = 0; at < codes.length; at += 160) {
      const payload = Buffer.alloc(160, 0xff);
      codes.copy(payload, 0, at, Math.min(codes.length, at + 160));
      await this.#send(0, this.ts, payload, false);
      this.ts += 160;
      // Loopback keeps order; a short pause spares the receive buffer.
      if ((at / 160) % 10 === 9) await sleep(1);
    }
  }

  #send(pt: number, ts: number, payload: Buffer, marker: boolean): Promise<void> {
    return this.peer.send(serializeRtp({ marker, payloadType: pt, sequenceNumber: this.seq++ & 0xffff, timestamp: ts >>> 0, ssrc: SSRC, payload }), this.to);
  }
}

/** Keys as tones: `ms` of each key then `ms` of silence. */
function tones(keys: string, ms = 80): Int16Array {
  return concatSamples(...[...keys].flatMap((k) => [dtmfTone(k, ms), new Int16Array(8 * ms)]));
}

describe('RtpSession (keys in)', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const fn of cleanup.splice(0)) fn();
  });
  /** A session with telephone-event at payload type 101, or (`events: false`) none: a carrier that sends tones. */
  async function setup(opts: { events?: boolean } = {}): Promise<{ caller: Caller; session: RtpSession; digits: string[] }> {
    const peer = await UdpPeer.open();
    const session = await openTestSession(peer.port, { telephoneEvent: opts.events === false ? null : { pt: 101 }, deps: { inband: () => new InbandDtmfDetector() } });
    cleanup.push(() => session.close(), () => peer.close());
    session.negotiate('offer');
    session.start();
    const digits: string[] = [];
    session.onDigit = (key) => digits.push(key);
    return { caller: new Caller(peer, session.localPort), session, digits };
  }

  it('gives an RFC 4733 key once for its start, updates and three end packets', async () => {
    const { caller, digits } = await setup();
    await caller.event('5');
    await sleep(50);
    expect(digits).toEqual(['5']);
    // The same key again is a new press (new timestamp); the end packets of both do not repeat it.
    await caller.event('5');
    await caller.event('#');
    await sleep(50);
    expect(digits).toEqual(['5', '5', '#']);
  });

  it('ignores events at a payload type that was not negotiated for telephone-event', async () => {
    const { caller, digits } = await setup();
    await caller.event('3', 100, 100);
    await sleep(50);
    expect(digits).toEqual([]);
  });

  it('hears in-band tones sent as PCMU, each key once, when no telephone-event was negotiated', async () => {
    const { caller, digits } = await setup({ events: false });
    await caller.audio(tones('2580*#'));
    await sleep(100);
    expect(digits).toEqual(['2', '5', '8', '0', '*', '#']);
  });

  it('does not listen for tones when telephone-event was negotiated', async () => {
    const { caller, digits } = await setup();
    // A phone that sends events may also leave the tone in the audio (or a
    // voice says something tone-like): it must not count twice, and tones
    // alone are not keys on such a stream.
    await caller.audio(tones('1'));
    await caller.event('7');
    await caller.audio(tones('7'));
    await sleep(100);
    expect(digits).toEqual(['7']);
  });
});
