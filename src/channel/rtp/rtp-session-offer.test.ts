import { afterEach, describe, expect, it } from 'vitest';
import { parseSdp } from '../media/index.ts';
import { createRtpMedia } from './media-factory.ts';
import type { RtpSession } from './rtp-session.ts';
import { calleeAnswer } from './testing/callee.ts';
import { ANSWERED_LAWS, expectPlacedCall, helloPrompts } from './testing/placed-call.ts';
import { TEST_PORTS } from './testing/session-harness.ts';
import { UdpPeer } from './testing/udp-peer.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RtpSession (a call we place: our offer, their answer)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function setup(): Promise<{ peer: UdpPeer; session: RtpSession }> {
    const media = createRtpMedia({
      host: '127.0.0.1',
      ports: TEST_PORTS,
      prompts: helloPrompts,
    });
    const peer = await UdpPeer.open();
    const session = (await media.create('outbound')) as RtpSession;
    cleanup.push(() => media.close(), () => peer.close(), () => session.close());
    return { peer, session };
  }

  for (const [pt, name, encode] of ANSWERED_LAWS) {
    it(`sends a prompt as ${name} (payload type ${pt}) where the answer says, and hears a key sent back (RFC 4733)`, async () => {
      const { peer, session } = await setup();
      await expectPlacedCall(peer, session, { pt, encode, key: '9', seq: 500, settleMs: 60 });
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
