import { afterEach, describe, expect, it } from 'vitest';
import { ntpFromUnixMs, ntpMiddle32, SDES_CNAME, serializeRtcp, serializeRtp, ULAW_SILENCE, type RtcpPacket, type SenderReport, type SourceDescription } from '../media/index.ts';
import { createRtpMedia } from './media-factory.ts';
import type { RtpSession } from './rtp-session.ts';
import { openTestSession, TEST_PORTS, type HarnessOptions } from './testing/session-harness.ts';
import { openPeerPair, UdpPeer } from './testing/udp-peer.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PEER_SSRC = 0xc0ffee;

const cname: RtcpPacket = { type: 'sdes', chunks: [{ ssrc: PEER_SSRC, items: [{ itemType: SDES_CNAME, value: 'peer' }] }] };

describe('RtpSession (RTCP, RFC 3550 §6)', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const fn of cleanup.splice(0)) fn();
  });
  async function setup(opts: HarnessOptions = {}, intervalMs: number | null = 500): Promise<{ rtp: UdpPeer; rtcp: UdpPeer; session: RtpSession }> {
    const { rtp, rtcp } = await openPeerPair();
    // random() = 0.5: intervals of exactly Tmin (the first one Tmin / 2).
    const session = await openTestSession(rtp.port, { ...opts, deps: { ...(intervalMs === null ? {} : { rtcpIntervalMs: intervalMs }), random: () => 0.5, ...opts.deps } });
    cleanup.push(() => session.close(), () => rtp.close(), () => rtcp.close());
    session.negotiate('offer');
    return { rtp, rtcp, session };
  }

  it('sends SR + SDES CNAME from RTP port + 1 to the peer\'s RTP port + 1, at the interval, consistent with the RTP stream', async () => {
    const { rtp, rtcp, session } = await setup();
    const started = Date.now();
    session.start();
    await rtcp.waitFor((p) => p.received.length >= 3, 3000);
    const reports = rtcp.rtcp();
    const sent = rtp.rtp();
    for (const r of reports) {
      expect(r.from.port).toBe(session.localPort + 1);
      expect(r.packets.map((p) => p.type)).toEqual(['sr', 'sdes']);
      const sr = r.packets[0] as SenderReport;
      const sdes = r.packets[1] as SourceDescription;
      expect(sr.ssrc).toBe(sent[0]!.packet.ssrc);
      expect(sr.reports).toEqual([]);
      expect(sdes.chunks).toHaveLength(1);
      expect(sdes.chunks[0]!.ssrc).toBe(sr.ssrc);
      expect(sdes.chunks[0]!.items[0]!.itemType).toBe(SDES_CNAME);
      expect(sdes.chunks[0]!.items[0]!.value).toMatch(/^[A-Za-z0-9+/]{16}$/);
      // Sender info: counts of what was sent so far, the RTP timestamp of the packet just sent.
      const match = sent.findIndex((s) => s.packet.timestamp === sr.rtpTimestamp);
      expect(match).toBeGreaterThanOrEqual(0);
      expect(sr.packetCount).toBe(match + 1);
      expect(sr.octetCount).toBe(160 * sr.packetCount);
      const ntpNow = ntpFromUnixMs(Date.now()).seconds;
      expect(Math.abs(sr.ntpSeconds - ntpNow)).toBeLessThanOrEqual(2);
    }
    // At Tmin / 2, then every Tmin.
    expect(reports[0]!.at - sent[0]!.at).toBeGreaterThan(200);
    expect(reports[0]!.at - sent[0]!.at).toBeLessThan(340);
    for (let i = 1; i < reports.length; i++) {
      expect(reports[i]!.at - reports[i - 1]!.at).toBeGreaterThan(420);
      expect(reports[i]!.at - reports[i - 1]!.at).toBeLessThan(580);
    }
    expect(Date.now() - started).toBeLessThan(2000);
    expect(session.reportsSent).toBe(reports.length);
  });

  it('reports on the caller\'s audio and echoes its last SR (LSR, DLSR)', async () => {
    const { rtp, rtcp, session } = await setup();
    session.start();
    for (let i = 0; i < 10; i++) {
      await rtp.send(serializeRtp({ marker: false, payloadType: 0, sequenceNumber: 500 + i, timestamp: 1600 * i, ssrc: PEER_SSRC, payload: Buffer.alloc(160, ULAW_SILENCE) }), session.localPort);
    }
    const ntp = ntpFromUnixMs(Date.now());
    const peerSr: RtcpPacket = { type: 'sr', ssrc: PEER_SSRC, ntpSeconds: ntp.seconds, ntpFraction: ntp.fraction, rtpTimestamp: 16000, packetCount: 10, octetCount: 1600, reports: [] };
    await rtcp.send(serializeRtcp([peerSr, cname]), session.localPort + 1);
    const heard = rtcp.received.length;
    await rtcp.waitFor((p) => p.received.length > heard + 1, 2000);
    const sr = rtcp.rtcp().at(-1)!.packets[0] as SenderReport;
    expect(sr.reports).toHaveLength(1);
    const block = sr.reports[0]!;
    expect(block.ssrc).toBe(PEER_SSRC);
    expect(block.highestSequence).toBe(509);
    expect(block.cumulativeLost).toBe(0);
    expect(block.lastSr).toBe(ntpMiddle32(ntp));
    expect(block.delaySinceLastSr).toBeGreaterThan(0);
    expect(block.delaySinceLastSr).toBeLessThan(65536 * 2);
  });

  it('sends its reports to where the peer\'s RTCP comes from (symmetric RTCP)', async () => {
    const { rtcp, session } = await setup();
    session.start();
    await rtcp.waitFor((p) => p.received.length >= 1, 2000);
    const nat = await UdpPeer.open();
    cleanup.push(() => nat.close());
    await nat.send(serializeRtcp([{ type: 'rr', ssrc: PEER_SSRC, reports: [] }, cname]), session.localPort + 1);
    await nat.waitFor((p) => p.received.length >= 1, 2000);
    expect(nat.rtcp()[0]!.packets[0]!.type).toBe('sr');
    expect(rtcp.received).toHaveLength(1);
  });

  it('sends receiver reports while it does not send RTP (recvonly)', async () => {
    const { rtp, rtcp, session } = await setup({ direction: 'recvonly' });
    session.start();
    await rtcp.waitFor((p) => p.received.length >= 2, 2000);
    expect(rtp.received).toHaveLength(0);
    for (const r of rtcp.rtcp()) expect(r.packets.map((p) => p.type)).toEqual(['rr', 'sdes']);
  });

  it('sends neither RTP nor RTCP to a null address (RFC 3264 §8.4)', async () => {
    const { rtp, session } = await setup({ remoteAddress: '0.0.0.0' });
    session.start();
    await sleep(700);
    expect(rtp.received).toHaveLength(0);
    expect(session.reportsSent).toBe(0);
  });

  it('says BYE when the session closes', async () => {
    const { rtcp, session } = await setup();
    session.start();
    await sleep(100);
    session.close();
    await rtcp.waitFor((p) => p.received.length >= 1, 2000);
    const [report, sdes, bye] = rtcp.rtcp()[0]!.packets;
    expect(report!.type).toBe('sr');
    expect(sdes!.type).toBe('sdes');
    expect(bye).toEqual({ type: 'bye', ssrcs: [(report as SenderReport).ssrc], reason: null });
  });

  it('uses the RTCP address of the offer\'s a=rtcp (RFC 3605)', async () => {
    const rtp = await UdpPeer.open();
    const rtcp = await UdpPeer.open();
    cleanup.push(() => rtp.close(), () => rtcp.close());
    const media = createRtpMedia({ host: '127.0.0.1', ports: TEST_PORTS, prompts: { getPromptAudio: () => Promise.resolve(new Int16Array(0)) } });
    const session = (await media.create('call-1')) as RtpSession;
    cleanup.push(() => session.close());
    const offer = [
      'v=0',
      'o=- 1 1 IN IP4 127.0.0.1',
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=audio ${rtp.port} RTP/AVP 0 101`,
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      `a=rtcp:${rtcp.port} IN IP4 127.0.0.1`,
      '',
    ].join('\r\n');
    expect(session.negotiate(offer)).toContain(`m=audio ${session.localPort} RTP/AVP 0 101`);
    session.start();
    await rtcp.waitFor((p) => p.received.length >= 1, 5000);
    expect(rtcp.rtcp()[0]!.packets[0]!.type).toBe('sr');
  });

  it('answers a malformed offer like one with nothing in common (null: the UAS says 488)', async () => {
    const media = createRtpMedia({ host: '127.0.0.1', ports: TEST_PORTS, prompts: { getPromptAudio: () => Promise.resolve(new Int16Array(0)) } });
    const session = await media.create('call-2');
    cleanup.push(() => session.close());
    expect(session.negotiate('v=0\r\nthis is not SDP\r\n')).toBeNull();
  });

  it('keeps the RFC\'s 5 s minimum by default: first report at half of it, then every 5 s', async () => {
    const { rtp, rtcp, session } = await setup({}, null);
    session.start();
    await rtcp.waitFor((p) => p.received.length >= 2, 9000);
    const [first, second] = rtcp.rtcp();
    const t0 = rtp.rtp()[0]!.at;
    expect(first!.at - t0).toBeGreaterThan(2400);
    expect(first!.at - t0).toBeLessThan(2700);
    expect(second!.at - first!.at).toBeGreaterThan(4900);
    expect(second!.at - first!.at).toBeLessThan(5150);
    expect(first!.packets[0]!.type).toBe('sr');
    expect((first!.packets[0] as SenderReport).packetCount).toBeGreaterThan(110);
  }, 15_000);
});
