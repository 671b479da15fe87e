import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../log/index.ts';
import { concatSamples, dtmfTone, encodeUlaw, serializeRtp, ULAW_SILENCE } from '../../media/index.ts';
import { pressKey } from '../testing/callee.ts';
import { prompt, ramp } from '../testing/session-harness.ts';
import { openPeerPair, UdpPeer } from '../testing/udp-peer.ts';
import { createThreadedMedia, type ThreadedMedia } from './threaded-media.ts';
import type { ThreadSession } from './thread-session.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Away from the other RTP tests' ports (40000-49999, peers 50000-59999). */
const PORTS = { min: 37000, max: 37899 };
const CLIPS: Record<string, Int16Array> = { hello: ramp(1000), long: ramp(8000 * 3), short: ramp(1600) };

/** An SDP offer from a caller at 127.0.0.1:`port`: PCMU, with telephone-event at 101 unless `events` is false. */
function offer(port: number, events = true): string {
  return [
    'v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=audio ${port} RTP/AVP 0${events ? ' 101' : ''}`, 'a=rtpmap:0 PCMU/8000',
    ...(events ? ['a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15'] : []), '',
  ].join('\r\n');
}

const isSilence = (payload: Buffer) => payload.every((b) => b === ULAW_SILENCE);

describe('createThreadedMedia (RTP on worker threads)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  let logLines: string[] = [];
  /** Signing-key prompts (with params) get fresh audio each time, as the speech context assembles them. */
  let assembled = 0;

  function setup(threads = 2, ports = PORTS): ThreadedMedia {
    logLines = [];
    const media = createThreadedMedia({
      threads,
      host: '127.0.0.1',
      ports,
      logger: createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } }),
      prompts: {
        getPromptAudio: (req) => {
          if (req.params && Object.keys(req.params).length > 0) return Promise.resolve(ramp(480 + 160 * ++assembled));
          const clip = CLIPS[req.id];
          return clip ? Promise.resolve(clip) : Promise.reject(new Error(`no clip ${req.id}`));
        },
      },
    });
    cleanup.push(() => media.close());
    return media;
  }

  async function call(media: ThreadedMedia, events = true): Promise<{ peer: UdpPeer; session: ThreadSession }> {
    const peer = await UdpPeer.open();
    const session = (await media.create('call')) as ThreadSession;
    cleanup.push(() => peer.close(), () => session.close());
    const answer = session.negotiate(offer(peer.port, events));
    expect(answer).toContain(`m=audio ${session.localPort} RTP/AVP 0${events ? ' 101' : ''}\r\n`);
    session.start();
    await peer.waitFor((p) => p.rtp().length >= 2);
    return { peer, session };
  }

  it('asks for a higher scheduling priority for each media thread, and says what it got', async () => {
    setup(2);
    await vi.waitFor(() => expect(logLines.filter((l) => l.includes('media thread')).length).toBe(2));
    // As root (here and in CI) the nice value is -14; without CAP_SYS_NICE the log says why not.
    for (const line of logLines.filter((l) => l.includes('media thread'))) {
      const entry = JSON.parse(line) as { msg: string; nice?: number; reason?: string };
      if (entry.msg === 'media thread priority raised') expect(entry.nice).toBe(-14);
      else expect(entry).toMatchObject({ msg: expect.stringContaining('kept the default priority') as string, reason: expect.stringMatching(/^E(ACCES|PERM)$/) as string });
    }
  });

  it('sends a prompt as paced G.711: consecutive sequence numbers, timestamps +160, one SSRC, the marker on its first packet; its end once', async () => {
    const media = setup();
    const { peer, session } = await call(media);
    let ended = 0;
    session.play([prompt('hello')], 'en', () => ended++);
    await peer.waitFor(() => ended > 0);
    await peer.waitFor((p) => p.rtp().length >= 51);
    const got = peer.rtp();
    const first = got[0]!.packet;
    got.forEach(({ packet }, i) => {
      expect(packet.sequenceNumber).toBe((first.sequenceNumber + i) & 0xffff);
      expect(packet.timestamp).toBe((first.timestamp + 160 * i) >>> 0);
      expect(packet.ssrc).toBe(first.ssrc);
      expect(packet.payloadType).toBe(0);
    });
    const span = got[50]!.at - got[0]!.at;
    expect(span).toBeGreaterThan(900);
    expect(span).toBeLessThan(1100);
    const start = got.findIndex((r) => r.packet.marker);
    expect(got.filter((r) => r.packet.marker)).toHaveLength(1);
    const audio = Buffer.concat(got.slice(start, start + 7).map((r) => r.packet.payload));
    expect(audio.equals(Buffer.concat([encodeUlaw(CLIPS['hello']!), Buffer.alloc(120, ULAW_SILENCE)]))).toBe(true);
    expect(isSilence(got[start + 7]!.packet.payload)).toBe(true);
    expect(ended).toBe(1);
  });

  it('gives an RFC 4733 key back once and cuts a barge-in prompt; the call\'s stop() after that is a no-op', async () => {
    const media = setup();
    const { peer, session } = await call(media);
    let ended = 0;
    session.play([prompt('long')], 'en', () => ended++, { bargeIn: true });
    await peer.waitFor((p) => p.rtp().some((r) => r.packet.marker));
    await sleep(60);
    const digits: string[] = [];
    let atKey = -1;
    session.onDigit = (key) => {
      digits.push(key);
      atKey = peer.rtp().length;
      session.stop(); // what SipCall does on barge-in: a no-op by now
    };
    await pressKey(peer, session.localPort, '5', 100);
    await sleep(200);
    expect(digits).toEqual(['5']);
    // At most the packet in flight when the key arrived, then silence.
    expect(peer.rtp().slice(atKey + 1).every((r) => isSilence(r.packet.payload))).toBe(true);
    session.stop();
    expect(ended).toBe(0);
    // The next prompt starts marked, and ends.
    session.play([prompt('short')], 'en', () => ended++, { bargeIn: true });
    await peer.waitFor(() => ended > 0);
    expect(peer.rtp().filter((r) => r.packet.marker)).toHaveLength(2);
  });

  it('lets a prompt without barge-in play on through a key; a cut prompt the call keeps is reported ended', async () => {
    const media = setup();
    const { peer, session } = await call(media);
    const ends: string[] = [];
    const digits: string[] = [];
    let atKey = -1;
    session.onDigit = (key) => {
      digits.push(key);
      atKey = peer.rtp().length;
    };
    session.play([prompt('short')], 'en', () => ends.push('short'));
    await peer.waitFor((p) => p.rtp().some((r) => r.packet.marker));
    await pressKey(peer, session.localPort, '7', 200);
    await peer.waitFor(() => ends.length > 0);
    const start = peer.rtp().findIndex((r) => r.packet.marker);
    expect(Buffer.concat(peer.rtp().slice(start, start + 10).map((r) => r.packet.payload)).equals(encodeUlaw(CLIPS['short']!))).toBe(true);
    // Barge-in, but the call does not stop the play on the key (a flow keeping it for later): the
    // worker has cut it all the same, so the call hears it ended rather than waiting for ever.
    session.play([prompt('long')], 'en', () => ends.push('long'), { bargeIn: true });
    await sleep(100);
    await pressKey(peer, session.localPort, '8', 300);
    await sleep(100);
    expect(digits).toEqual(['7', '8']);
    expect(ends).toEqual(['short', 'long']);
    // Nothing here stopped it: the silence after the key is the worker's own doing.
    expect(peer.rtp().slice(atKey + 1).every((r) => isSilence(r.packet.payload))).toBe(true);
    expect(peer.rtp().length - atKey).toBeGreaterThan(3);
  });

  it('hears in-band tones only on a stream without telephone-event', async () => {
    const media = setup();
    const { peer, session } = await call(media, false);
    const digits: string[] = [];
    session.onDigit = (key) => digits.push(key);
    const codes = encodeUlaw(concatSamples(...[...'25#'].flatMap((k) => [dtmfTone(k, 80), new Int16Array(640)])));
    for (let at = 0, seq = 1; at < codes.length; at += 160, seq++) {
      const payload = Buffer.alloc(160, ULAW_SILENCE);
      codes.copy(payload, 0, at, Math.min(codes.length, at + 160));
      await peer.send(serializeRtp({ marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc: 0xbeef, payload }), session.localPort);
    }
    await sleep(150);
    expect(digits).toEqual(['2', '5', '#']);
  });

  it('stop() cuts the prompt with no end reported; close() stops the stream with an RTCP BYE; both idempotent', async () => {
    const media = setup();
    const { rtp, rtcp } = await openPeerPair();
    cleanup.push(() => rtp.close(), () => rtcp.close());
    const session = (await media.create('call')) as ThreadSession;
    session.negotiate(offer(rtp.port));
    session.start();
    let ended = 0;
    session.play([prompt('long')], 'en', () => ended++);
    await rtp.waitFor((p) => p.rtp().some((r) => r.packet.marker));
    session.stop();
    session.stop();
    await sleep(40);
    const cut = rtp.rtp().length;
    await sleep(200);
    expect(rtp.rtp().slice(cut).every((r) => isSilence(r.packet.payload))).toBe(true);
    expect(rtp.rtp().length - cut).toBeGreaterThan(5);
    session.close();
    session.close();
    await rtcp.waitFor((p) => p.rtcp().some((r) => r.packets.some((x) => x.type === 'bye')));
    const n = rtp.rtp().length;
    await sleep(100);
    expect(rtp.rtp().length).toBe(n);
    expect(ended).toBe(0);
    session.play([prompt('hello')], 'en', () => ended++);
    await sleep(60);
    expect(ended).toBe(0);
  });

  it('places each call on the least loaded worker, in that worker\'s own slice of the ports', async () => {
    const media = setup(2);
    const [low, high] = media.threads.map((t) => t.ports!);
    expect(low).toEqual({ min: 37000, max: 37449 });
    expect(high).toEqual({ min: 37450, max: 37899 });
    const sessions: ThreadSession[] = [];
    for (let i = 0; i < 4; i++) sessions.push((await media.create(`call-${i}`)) as ThreadSession);
    cleanup.push(() => sessions.forEach((s) => s.close()));
    const inLow = sessions.filter((s) => s.localPort >= low!.min && s.localPort <= low!.max);
    const inHigh = sessions.filter((s) => s.localPort >= high!.min && s.localPort <= high!.max);
    expect([inLow.length, inHigh.length]).toEqual([2, 2]);
    expect(media.threads.map((t) => t.load)).toEqual([2, 2]);
    inHigh[0]!.close();
    const next = (await media.create('call-5')) as ThreadSession;
    cleanup.push(() => next.close());
    expect(next.localPort).toBeGreaterThanOrEqual(high!.min);
    expect(media.threads.map((t) => t.load)).toEqual([2, 2]);
  });

  it('tries the other workers when one\'s slice is full, then refuses with MEDIA_PORTS_EXHAUSTED', async () => {
    // Three pairs: one for the first worker, two for the second.
    const media = setup(2, { min: 37990, max: 37995 });
    const sessions: ThreadSession[] = [];
    for (let i = 0; i < 3; i++) sessions.push((await media.create(`call-${i}`)) as ThreadSession);
    cleanup.push(() => sessions.forEach((s) => s.close()));
    expect(sessions.map((s) => s.localPort).sort()).toEqual([37990, 37992, 37994]);
    expect(media.threads.map((t) => t.load)).toEqual([1, 2]);
    await expect(media.create('one too many')).rejects.toMatchObject({ code: 'MEDIA_PORTS_EXHAUSTED' });
    sessions[0]!.close();
    const again = (await media.create('after a hang-up')) as ThreadSession;
    cleanup.push(() => again.close());
    expect(again.localPort).toBe(sessions[0]!.localPort);
  });

  it('a worker that dies ends the calls it carried, logs an error, and a new worker takes new calls', async () => {
    const media = setup(2);
    const a = await call(media);
    const b = await call(media);
    const failed: string[] = [];
    a.session.onFailed = () => failed.push('a');
    b.session.onFailed = () => failed.push('b');
    const victim = media.threads.find((t) => a.session.localPort >= t.ports!.min && a.session.localPort <= t.ports!.max)!;
    await victim.worker!.terminate();
    await sleep(50);
    expect(failed).toEqual(['a']);
    expect(logLines.some((l) => l.includes('media worker thread died') && l.includes('"calls":1'))).toBe(true);
    a.session.close(); // the call's hang-up: harmless on a dead worker
    // The other worker's call goes on.
    const before = b.peer.rtp().length;
    await sleep(100);
    expect(b.peer.rtp().length - before).toBeGreaterThan(2);
    // A new worker comes up on the same slice and takes the next call.
    for (let i = 0; i < 100 && !victim.accepting; i++) await sleep(50);
    expect(victim.accepting).toBe(true);
    const c = await call(media);
    expect(c.session.localPort).toBeGreaterThanOrEqual(victim.ports!.min);
    expect(c.session.localPort).toBeLessThanOrEqual(victim.ports!.max);
    expect(failed).toEqual(['a']);
  });

  it('sends a prompt with a caller\'s values for one play only; fixed prompts once per worker', async () => {
    const media = setup(1);
    const { peer, session } = await call(media);
    const [thread] = media.threads;
    const ends: string[] = [];
    session.play([prompt('hello'), { id: 'signing_key', text: 'Your key is 4 8 2 1.', params: { key: '4 8 2 1' } }], 'en', () => ends.push('key'));
    await peer.waitFor(() => ends.length === 1);
    expect(thread!.clipsHeld).toBe(1);
    session.play([prompt('hello')], 'en', () => ends.push('hello'));
    await peer.waitFor(() => ends.length === 2);
    expect(thread!.clipsHeld).toBe(1);
    const got = peer.rtp().map((r) => r.packet);
    const marks = got.flatMap((p, i) => (p.marker ? [i] : []));
    expect(marks).toHaveLength(3);
    // The assembled clip (640+ samples, fresh audio) sits between the two greetings, whole.
    const keyAudio = encodeUlaw(ramp(480 + 160 * assembled));
    expect(Buffer.concat(got.slice(marks[1], marks[1]! + keyAudio.length / 160).map((p) => p.payload)).equals(keyAudio)).toBe(true);
  });

  it('adds up the workers\' clock figures, and close() ends the threads', async () => {
    const media = setup(2);
    await call(media);
    await call(media);
    for (let i = 0; i < 40 && media.clock.size !== 2; i++) await sleep(25);
    expect(media.clock.size).toBe(2);
    expect(media.clock.worstLateMs).toBeGreaterThanOrEqual(0);
    expect(media.clock.worstLateMs).toBeLessThan(1000);
    media.clock.worstLateMs = 0;
    expect(media.clock.worstLateMs).toBeLessThan(20);
    await media.close();
    expect(media.threads.map((t) => t.worker)).toEqual([null, null]);
    expect(media.threads.some((t) => t.accepting)).toBe(false);
    await expect(media.create('late')).rejects.toMatchObject({ code: 'MEDIA_PORTS_EXHAUSTED' });
  });
});
