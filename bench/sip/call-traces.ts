import { readPcapUdp, type PcapSummary, type UdpDatagram } from './pcap-udp.ts';

/** RTP the line sent on one call (line → SIPp), reduced as it streams by. */
export interface OutStream {
  packets: number;
  ssrc: number;
  ssrcChanges: number;
  firstAt: number;
  lastAt: number;
  lastTs: number;
  /** RFC 3550 §6.4.1 interarrival jitter J, in ms, as it stands after the last packet. */
  jitter: number;
  jitterSum: number;
  jitterMax: number;
  /** The largest time between two consecutive packets, in ms, and when the packet that ended it was captured. */
  maxGap: number;
  maxGapAt: number;
  /** Times of the packets with the marker bit set: the first packet of each prompt. */
  markers: number[];
}

/** One RFC 4733 event (one key press) SIPp sent: its first packet and its first end packet. */
export interface DtmfEvent {
  rtpTs: number;
  firstAt: number;
  endAt: number | null;
}

/** What the capture shows of one call (Call-ID), all times in ms since the epoch. */
export interface CallTrace {
  callId: string;
  inviteAt: number | null;
  /** The INVITE's final response (200, 503…), from the line. */
  finalStatus: number | null;
  okAt: number | null;
  ackAt: number | null;
  infoAt: number | null;
  referAt: number | null;
  byeAt: number | null;
  byeOkAt: number | null;
  /** The line's RTP port and telephone-event payload type, from the 200's SDP answer. */
  linePort: number | null;
  eventPt: number | null;
  out: OutStream | null;
  dtmf: DtmfEvent[];
}

export interface CaptureTraces {
  calls: CallTrace[];
  pcap: PcapSummary;
  /** RTP on the line's ports that no answered call owned (another process, or a port reused after its call). */
  stray: number;
}

/**
 * Rebuilds every call of a capture: SIP on the line's port gives the
 * INVITE/200/ACK/INFO/REFER/BYE times per Call-ID and, from the SDP answer,
 * the line's RTP port; RTP from that port is the line's stream (jitter and
 * gaps computed as it streams by), RTP to it from SIPp carries the RFC 4733
 * key presses. RTCP (the odd port) is left out.
 *
 * @example
 *   const { calls } = await traceCalls('/tmp/level-10.pcap', { sipPort: 5060, rtp: { min: 17000, max: 18999 } });
 *   const setupMs = calls.map((c) => (c.okAt ?? NaN) - (c.inviteAt ?? NaN));
 */
export async function traceCalls(file: string, line: { sipPort: number; rtp: { min: number; max: number } }): Promise<CaptureTraces> {
  const calls = new Map<string, CallTrace>();
  /** The call answered most recently on each RTP port: RTP follows the 200 that advertised the port. */
  const portOwner = new Map<number, CallTrace>();
  let stray = 0;
  const inRange = (port: number) => port >= line.rtp.min && port <= line.rtp.max && port % 2 === 0;
  const pcap = await readPcapUdp(file, (d) => {
    if (d.srcPort === line.sipPort || d.dstPort === line.sipPort) {
      onSip(d, d.srcPort === line.sipPort, calls, portOwner);
      return;
    }
    const rtp = rtpHeader(d.payload);
    if (!rtp) return;
    if (inRange(d.srcPort)) {
      const call = portOwner.get(d.srcPort);
      if (call && call.ackAt !== null) onLineRtp(call, d.timeMs, rtp);
      else stray++;
    } else if (inRange(d.dstPort)) {
      const call = portOwner.get(d.dstPort);
      if (!call) stray++;
      else if (rtp.payloadType === (call.eventPt ?? 101)) onEvent(call, d.timeMs, rtp, d.payload);
    }
  });
  return { calls: [...calls.values()], pcap, stray };
}

interface RtpHeader {
  marker: boolean;
  payloadType: number;
  timestamp: number;
  ssrc: number;
  headerLength: number;
}

/** RFC 3550 §5.1's fixed header; null for RTCP (PT 200–204 reads as M + 72–76) and non-RTP. */
function rtpHeader(b: Buffer): RtpHeader | null {
  if (b.length < 12 || b[0]! >> 6 !== 2) return null;
  const payloadType = b[1]! & 0x7f;
  if (payloadType >= 72 && payloadType <= 76) return null;
  const headerLength = 12 + 4 * (b[0]! & 0x0f);
  return { marker: (b[1]! & 0x80) !== 0, payloadType, timestamp: b.readUInt32BE(4), ssrc: b.readUInt32BE(8), headerLength };
}

function onLineRtp(call: CallTrace, at: number, rtp: RtpHeader): void {
  const s = call.out;
  if (!s) {
    call.out = { packets: 1, ssrc: rtp.ssrc, ssrcChanges: 0, firstAt: at, lastAt: at, lastTs: rtp.timestamp, jitter: 0, jitterSum: 0, jitterMax: 0, maxGap: 0, maxGapAt: at, markers: rtp.marker ? [at] : [] };
    return;
  }
  s.packets++;
  if (rtp.marker) s.markers.push(at);
  const gap = at - s.lastAt;
  if (gap > s.maxGap) {
    s.maxGap = gap;
    s.maxGapAt = at;
  }
  if (rtp.ssrc !== s.ssrc) {
    // A new source starts its own timeline: no transit difference across it.
    s.ssrc = rtp.ssrc;
    s.ssrcChanges++;
  } else {
    // RFC 3550 §6.4.1 / A.8: D(i-1,i) = (Ri - Ri-1) - (Si - Si-1); J += (|D| - J)/16. G.711: 8 samples per ms.
    const d = gap - ((rtp.timestamp - s.lastTs) | 0) / 8;
    s.jitter += (Math.abs(d) - s.jitter) / 16;
    s.jitterSum += s.jitter;
    if (s.jitter > s.jitterMax) s.jitterMax = s.jitter;
  }
  s.lastAt = at;
  s.lastTs = rtp.timestamp;
}

/** RFC 4733 §2.3: event (8 bits), E|R|volume, duration (16 bits). */
function onEvent(call: CallTrace, at: number, rtp: RtpHeader, payload: Buffer): void {
  if (payload.length < rtp.headerLength + 4) return;
  const end = (payload[rtp.headerLength + 1]! & 0x80) !== 0;
  let ev = call.dtmf.find((e) => e.rtpTs === rtp.timestamp);
  if (!ev) call.dtmf.push((ev = { rtpTs: rtp.timestamp, firstAt: at, endAt: null }));
  if (end && ev.endAt === null) ev.endAt = at;
}

function onSip(d: UdpDatagram, fromLine: boolean, calls: Map<string, CallTrace>, portOwner: Map<number, CallTrace>): void {
  const text = d.payload.toString('latin1');
  const headEnd = text.indexOf('\r\n\r\n');
  const lines = (headEnd >= 0 ? text.slice(0, headEnd) : text).split('\r\n');
  const first = lines[0] ?? '';
  const header = (long: string, short: string) => {
    for (const l of lines) {
      const colon = l.indexOf(':');
      const name = l.slice(0, colon).trim().toLowerCase();
      if (colon > 0 && (name === long || name === short)) return l.slice(colon + 1).trim();
    }
    return null;
  };
  const callId = header('call-id', 'i');
  if (!callId) return;
  let call = calls.get(callId);
  if (!call) {
    call = { callId, inviteAt: null, finalStatus: null, okAt: null, ackAt: null, infoAt: null, referAt: null, byeAt: null, byeOkAt: null, linePort: null, eventPt: null, out: null, dtmf: [] };
    calls.set(callId, call);
  }
  const cseqMethod = (header('cseq', '') ?? '').split(/\s+/)[1]?.toUpperCase();
  const status = /^SIP\/2\.0 (\d{3})/.exec(first);
  if (status) {
    const code = Number(status[1]);
    if (cseqMethod === 'INVITE' && fromLine && code >= 200 && call.finalStatus === null) {
      call.finalStatus = code;
      if (code === 200) {
        call.okAt = d.timeMs;
        const body = headEnd >= 0 ? text.slice(headEnd + 4) : '';
        const port = /^m=audio (\d+)/m.exec(body);
        const pt = /^a=rtpmap:(\d+) telephone-event\//im.exec(body);
        call.linePort = port ? Number(port[1]) : null;
        call.eventPt = pt ? Number(pt[1]) : null;
        if (call.linePort !== null) portOwner.set(call.linePort, call);
      }
    }
    if (cseqMethod === 'BYE' && code === 200) call.byeOkAt ??= d.timeMs;
    return;
  }
  const method = first.split(' ', 1)[0]?.toUpperCase();
  if (method === 'INVITE' && !fromLine) call.inviteAt ??= d.timeMs;
  else if (method === 'ACK' && !fromLine) call.ackAt ??= d.timeMs;
  else if (method === 'INFO' && !fromLine) call.infoAt ??= d.timeMs;
  else if (method === 'REFER' && fromLine) call.referAt ??= d.timeMs;
  else if (method === 'BYE') call.byeAt ??= d.timeMs;
}
