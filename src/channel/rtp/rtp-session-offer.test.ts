import { afterEach, describe, expect, it } from 'vitest';
import { encodeAlaw, encodeUlaw, parseSdp } from '../media/index.ts';
import { createRtpMedia } from './media-factory.ts';
import type { RtpSession } from './rtp-session.ts';
import { calleeAnswer, pressKey } from './testing/callee.ts';
import { prompt, ramp, TEST_PORTS } from './testing/session-harness.ts';
import { UdpPeer } from './testing/udp-peer.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HELLO = ramp(1000);

describe('RtpSession (a call we place: our offer, their answer)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function setup(): Promise<{ peer: UdpPeer; session: RtpSession }> {
    const media = createRtpMedia({
      host: '127.0.0.1',
      ports: TEST_PORTS,
      prompts: { getPromptAudio: (req) => (req.id === 'hello' ? Promise.resolve(HELLO) : Promise.reject(new Error(`no clip ${req.id}`))) },
    });
    const peer = await UdpPeer.open();
    const session = (await media.create('outbound')) as RtpSession;
    cleanup.push(() => media.close(), () => peer.close(), () => session.close());
    return { peer, session };
  }

  for (const [pt, name, encode] of [[8, 'PCMA', encodeAlaw], [0, 'PCMU', encodeUlaw]] as const) {
    it(`sends a prompt as ${name} (payload type ${pt}) where the answer says, and hears a key sent back (RFC 4733)`, async () => {
      const { peer, session } = await setup();
      const offer = session.offer()!;
      const m = parseSdp(offer).media;
      expect(m.map((x) => `${x.port} ${x.formats.join(' ')}`)).toEqual([`${session.localPort} 0 8 101`]);
      expect(session.accept(calleeAnswer(peer.port, pt))).toBe(true);
      session.start();
      let ended = 0;
      session.play([prompt('hello')], 'en', () => ended++);
      await peer.waitFor(() => ended > 0);
      const got = peer.rtp().map((r) => r.packet);
      expect(new Set(got.map((p) => p.payloadType))).toEqual(new Set([pt]));
      const start = got.findIndex((p) => p.marker);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(Buffer.concat(got.slice(start, start + 6).map((p) => p.payload)).equals(encode(HELLO).subarray(0, 960))).toBe(true);
      const digits: string[] = [];
      session.onDigit = (key) => digits.push(key);
      await pressKey(peer, session.localPort, '9', 500);
      await sleep(60);
      expect(digits).toEqual(['9']);
    });
  }

  it("refuses an answer that rejects the stream; the media stays silent", async () => {
    const { peer, session } = await setup();
    session.offer();
    expect(session.accept(calleeAnswer(peer.port, 0).replace(`m=audio ${peer.port}`, 'm=audio 0'))).toBe(false);
    expect(session.accept('not sdp')).toBe(false);
    session.start();
    await sleep(80);
    expect(session.sent).toBe(0);
    expect(peer.received).toHaveLength(0);
  });

  it('offers the same o= session id again with the next version, and nothing once closed', async () => {
    const { session } = await setup();
    const first = parseSdp(session.offer()!).origin;
    const second = parseSdp(session.offer()!).origin;
    expect(second.sessionId).toBe(first.sessionId);
    expect(BigInt(second.sessionVersion)).toBe(BigInt(first.sessionVersion) + 1n);
    session.close();
    expect(session.offer()).toBeNull();
    expect(session.accept(calleeAnswer(40000, 0))).toBe(false);
  });
});
