import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeAlaw, encodeUlaw, serializeRtp, ULAW_SILENCE } from '../media/index.ts';
import type { RtpSession } from './rtp-session.ts';
import { MediaClock } from './media-clock.ts';
import { openTestSession, prompt, ramp } from './testing/session-harness.ts';
import { UdpPeer } from './testing/udp-peer.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RtpSession (sending)', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const fn of cleanup.splice(0)) fn();
  });
  async function setup(opts: Parameters<typeof openTestSession>[1] = {}): Promise<{ peer: UdpPeer; session: RtpSession }> {
    const peer = await UdpPeer.open();
    const session = await openTestSession(peer.port, opts);
    cleanup.push(() => session.close(), () => peer.close());
    expect(session.negotiate('offer')).toBe('answer');
    return { peer, session };
  }

  it('binds an even RTP port, sends every 20 ms with consecutive sequence numbers, timestamps +160, one SSRC and the negotiated payload type', async () => {
    const { peer, session } = await setup({ codec: { name: 'PCMA', pt: 8 } });
    expect(session.localPort % 2).toBe(0);
    session.start();
    await peer.waitFor((p) => p.rtp().length >= 51);
    const got = peer.rtp().slice(0, 51);
    const first = got[0]!.packet;
    got.forEach(({ packet }, i) => {
      expect(packet.sequenceNumber).toBe((first.sequenceNumber + i) & 0xffff);
      expect(packet.timestamp).toBe((first.timestamp + 160 * i) >>> 0);
      expect(packet.ssrc).toBe(first.ssrc);
      expect(packet.payloadType).toBe(8);
      expect(packet.payload.length).toBe(160);
      expect(packet.marker).toBe(false);
    });
    // 50 packet times: 1 s of real time, give or take the scheduler.
    const span = got.at(-1)!.at - got[0]!.at;
    expect(span).toBeGreaterThan(900);
    expect(span).toBeLessThan(1100);
    const gaps = got.slice(1).map((g, i) => g.at - got[i]!.at).sort((a, b) => a - b);
    expect(gaps[Math.floor(gaps.length / 2)]).toBeGreaterThan(15);
    expect(gaps[Math.floor(gaps.length / 2)]).toBeLessThan(25);
    expect(session.remote).toEqual({ address: '127.0.0.1', port: peer.port });
  });

  it('sends a prompt whole, marks its first packet only, then reports its end once', async () => {
    const clip = ramp(1000); // 6.25 packets: the 7th is padded with silence
    const { peer, session } = await setup({ clips: { hello: clip } });
    session.start();
    await peer.waitFor((p) => p.rtp().length >= 3);
    let ended = 0;
    let sentAtEnd = -1;
    session.play([prompt('hello')], 'en', () => {
      ended++;
      sentAtEnd = session.sent;
    });
    await peer.waitFor(() => ended > 0);
    await sleep(200);
    const got = peer.rtp().map((r) => r.packet);
    const start = got.findIndex((p) => p.marker);
    expect(start).toBeGreaterThan(0);
    expect(got.filter((p) => p.marker)).toHaveLength(1);
    const audio = Buffer.concat(got.slice(start, start + 7).map((p) => p.payload));
    const expected = Buffer.concat([encodeUlaw(clip), Buffer.alloc(120, ULAW_SILENCE)]);
    expect(audio.equals(expected)).toBe(true);
    // Silence right after, and the end was reported when the last prompt packet went out.
    expect(got[start + 7]!.payload.every((b) => b === ULAW_SILENCE)).toBe(true);
    expect(ended).toBe(1);
    expect(sentAtEnd).toBe(start + 7);
  });

  it('marks the first packet of each prompt in a list and ends after the last', async () => {
    const { peer, session } = await setup({ clips: { a: ramp(320), b: ramp(480) } });
    session.start();
    let ended = 0;
    session.play([prompt('a'), prompt('b')], 'en', () => ended++);
    await peer.waitFor(() => ended > 0);
    await sleep(100);
    const got = peer.rtp().map((r) => r.packet);
    const marks = got.flatMap((p, i) => (p.marker ? [i] : []));
    expect(marks).toHaveLength(2);
    expect(marks[1]! - marks[0]!).toBe(2);
    expect(Buffer.concat(got.slice(marks[1], marks[1]! + 3).map((p) => p.payload)).equals(encodeUlaw(ramp(480)))).toBe(true);
    expect(ended).toBe(1);
  });

  it('keeps one packet per 20 ms however often prompts start (media time stays with real time)', async () => {
    const clock = new MediaClock();
    const { peer, session } = await setup({ clips: { short: ramp(320) }, deps: { clock } });
    session.start();
    await peer.waitFor((p) => p.rtp().length >= 2);
    const before = peer.rtp().length;
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) {
      session.play([prompt('short')], 'en', () => {});
      await sleep(60);
    }
    const elapsed = performance.now() - t0;
    await sleep(10);
    const sent = peer.rtp().length - before;
    expect(peer.rtp().filter((r) => r.packet.marker)).toHaveLength(10);
    // An extra packet sent at each prompt's start would show as ten too many.
    // Ticks the clock gave up on after a stall of the loaded machine count as sent.
    expect(Math.abs(sent + clock.skipped - elapsed / 20), `skipped ${clock.skipped}`).toBeLessThanOrEqual(3);
  });

  it('stop() cuts the prompt at once: silence follows and no end is reported', async () => {
    const { peer, session } = await setup({ clips: { long: ramp(8000) } });
    session.start();
    let ended = 0;
    session.play([prompt('long')], 'en', () => ended++);
    await peer.waitFor((p) => p.rtp().filter((r) => r.packet.marker).length === 1);
    await sleep(100);
    session.stop();
    const cut = peer.rtp().length;
    await sleep(300);
    const after = peer.rtp().slice(cut + 1).map((r) => r.packet);
    expect(after.length).toBeGreaterThan(10);
    expect(after.every((p) => p.payload.every((b) => b === ULAW_SILENCE))).toBe(true);
    expect(ended).toBe(0);
  });

  it('a new play replaces the one in progress and marks its start', async () => {
    const { peer, session } = await setup({ clips: { one: ramp(8000), two: ramp(320) } });
    session.start();
    const ends: string[] = [];
    session.play([prompt('one')], 'en', () => ends.push('one'));
    await sleep(150);
    session.play([prompt('two')], 'en', () => ends.push('two'));
    await peer.waitFor(() => ends.length > 0);
    await sleep(100);
    expect(ends).toEqual(['two']);
    expect(peer.rtp().filter((r) => r.packet.marker)).toHaveLength(2);
  });

  it('reports the end on the next tick for nothing to say, and when the audio cannot be had', async () => {
    const { session } = await setup({ clips: { empty: new Int16Array(0) } });
    session.start();
    const ends: string[] = [];
    session.play([], 'en', () => ends.push('none'));
    session.play([prompt('empty')], 'en', () => ends.push('empty'));
    await sleep(70);
    session.play([prompt('missing')], 'en', () => ends.push('missing'));
    await sleep(70);
    session.play([], 'en', () => ends.push('none'));
    await sleep(70);
    expect(ends).toEqual(['empty', 'missing', 'none']);
    expect(session.sent).toBeGreaterThan(5);
  });

  it('latches onto the source of the caller\'s RTP (symmetric RTP)', async () => {
    const { peer, session } = await setup();
    session.start();
    await peer.waitFor((p) => p.rtp().length >= 3);
    const nat = await UdpPeer.open();
    cleanup.push(() => nat.close());
    // A packet of an unknown payload type is not the caller's media: no latching on it.
    await nat.send(serializeRtp({ marker: false, payloadType: 96, sequenceNumber: 1, timestamp: 0, ssrc: 7, payload: Buffer.alloc(10) }), session.localPort);
    await sleep(60);
    expect(nat.rtp()).toHaveLength(0);
    await nat.send(serializeRtp({ marker: false, payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 7, payload: Buffer.alloc(160, ULAW_SILENCE) }), session.localPort);
    await nat.waitFor((p) => p.rtp().length >= 5);
    const before = peer.rtp().length;
    await sleep(100);
    expect(peer.rtp().length - before).toBeLessThanOrEqual(1);
    expect(session.remote).toEqual({ address: '127.0.0.1', port: nat.port });
    // The stream carries on where it was: same SSRC, next sequence numbers.
    const last = peer.rtp().at(-1)!.packet;
    const next = nat.rtp()[0]!.packet;
    expect(next.ssrc).toBe(last.ssrc);
    expect(next.sequenceNumber).toBe((last.sequenceNumber + 1) & 0xffff);
    // A later offer does not move the latched stream back.
    session.negotiate('re-offer');
    await sleep(60);
    expect(session.remote).toEqual({ address: '127.0.0.1', port: nat.port });
  });

  it('gives each packet its own bytes when the clock catches up after a stall', async () => {
    const clip = ramp(160 * 40);
    const { peer, session } = await setup({ codec: { name: 'PCMA', pt: 8 }, clips: { ramp: clip } });
    session.start();
    session.play([prompt('ramp')], 'en', () => {});
    await peer.waitFor((p) => p.rtp().some((r) => r.packet.marker));
    const until = performance.now() + 55;
    while (performance.now() < until) {
      // the event loop is stuck: two or three ticks come due together
    }
    await sleep(300);
    const got = peer.rtp().map((r) => r.packet);
    const start = got.findIndex((p) => p.marker);
    const expected = encodeAlaw(clip);
    const prompt20 = got.slice(start, start + 20);
    prompt20.forEach((p, i) => {
      expect(p.sequenceNumber).toBe((got[start]!.sequenceNumber + i) & 0xffff);
      expect(p.payload.equals(expected.subarray(160 * i, 160 * (i + 1))), `packet ${i}`).toBe(true);
    });
  });

  it('sends nothing on a recvonly stream or to a null address, yet prompts still end', async () => {
    for (const opts of [{ direction: 'recvonly' as const }, { remoteAddress: '0.0.0.0' }]) {
      const { peer, session } = await setup({ ...opts, clips: { hi: ramp(480) } });
      session.start();
      let ended = 0;
      session.play([prompt('hi')], 'en', () => ended++);
      await sleep(200);
      expect(ended).toBe(1);
      expect(session.sent).toBe(0);
      expect(peer.rtp()).toHaveLength(0);
    }
  });

  it('close() is idempotent and stops the stream', async () => {
    const { peer, session } = await setup();
    session.start();
    await peer.waitFor((p) => p.rtp().length >= 2);
    session.close();
    session.close();
    const n = peer.rtp().length;
    await sleep(100);
    expect(peer.rtp().length).toBe(n);
    session.play([prompt('x')], 'en', () => {
      throw new Error('no end after close');
    });
    await sleep(30);
  });
});
