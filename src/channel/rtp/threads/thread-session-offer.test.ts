import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../log/index.ts';
import { calleeAnswer } from '../testing/callee.ts';
import { ANSWERED_LAWS, expectPlacedCall, helloPrompts } from '../testing/placed-call.ts';
import { UdpPeer } from '../testing/udp-peer.ts';
import { createThreadedMedia, type ThreadedMedia } from './threaded-media.ts';
import type { ThreadSession } from './thread-session.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Away from the other RTP tests' ports (threaded-media.test.ts: 37000-37999, sessions 40000-49999, peers 50000-59999). */
const PORTS = { min: 36500, max: 36599 };

describe('ThreadSession (a call we place, RTP on a worker thread)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  function setup(): ThreadedMedia {
    const media = createThreadedMedia({
      threads: 1,
      host: '127.0.0.1',
      ports: PORTS,
      logger: createLogger({ level: 'silent' }),
      prompts: helloPrompts,
    });
    cleanup.push(() => media.close());
    return media;
  }

  async function open(media: ThreadedMedia): Promise<{ peer: UdpPeer; session: ThreadSession }> {
    const peer = await UdpPeer.open();
    const session = (await media.create('outbound')) as ThreadSession;
    cleanup.push(() => peer.close(), () => session.close());
    return { peer, session };
  }

  for (const [pt, name, encode] of ANSWERED_LAWS) {
    it(`sends a prompt as ${name} (payload type ${pt}) where the answer says, and hears a key sent back (RFC 4733)`, async () => {
      const { peer, session } = await open(setup());
      const offer = await expectPlacedCall(peer, session, { pt, encode, key: '4', seq: 700, settleMs: 100 });
      expect(offer).toContain('c=IN IP4 127.0.0.1\r\n');
    });
  }

  it('refuses an unusable answer and sends nothing; offers nothing once closed or after its worker died', async () => {
    const media = setup();
    const { peer, session } = await open(media);
    session.offer();
    expect(session.accept(calleeAnswer(peer.port, 0).replace(`m=audio ${peer.port}`, 'm=audio 0'))).toBe(false);
    session.start();
    await sleep(80);
    expect(peer.received).toHaveLength(0);
    session.close();
    expect(session.offer()).toBeNull();
    expect(session.accept(calleeAnswer(peer.port, 0))).toBe(false);

    const other = await open(media);
    let failed = 0;
    other.session.onFailed = () => failed++;
    await media.threads[0]!.worker!.terminate();
    for (let i = 0; i < 40 && failed === 0; i++) await sleep(25);
    expect(failed).toBe(1);
    expect(other.session.offer()).toBeNull();
    expect(other.session.accept(calleeAnswer(other.peer.port, 0))).toBe(false);
  });
});
