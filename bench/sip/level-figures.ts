import type { CallTrace } from './call-traces.ts';
import { peak } from '../../test/support/peak.ts';

const PTIME_MS = 20;

/** Nearest-rank percentile of an ascending list (NaN when empty). */
export function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const sortedOf = (xs: number[]) => xs.filter(Number.isFinite).sort((a, b) => a - b);

/** What a level's capture says, reduced to the figures the benchmark prints. */
export interface LevelFigures {
  invites: number;
  answered: number;
  /** INVITEs answered 503 (the line refusing load) and with another final response. */
  refused503: number;
  otherFinal: Map<number, number>;
  /** INVITEs without a final response in the capture. */
  unanswered: number;
  /** Answered calls the capture shows ending with a BYE and its 200. */
  ended: number;
  peakConcurrent: number;
  /** Answered calls per second: the intervals between the first and the last 200 (NaN for one call). */
  setupsPerSecond: number;
  setupMs: number[];
  /** ACK → the greeting's first packet (marker bit), per call. */
  greetingMs: number[];
  /** RFC 4733 first end packet → the next prompt's first packet (marker), per call; may be negative (see sip.ts). */
  digitFromEndMs: number[];
  /** RFC 4733 first packet of the press → the next prompt's first packet. */
  digitFromFirstMs: number[];
  /** SIP INFO digit → the next prompt's first packet. */
  infoMs: number[];
  /** Per call: the mean of RFC 3550's running jitter J over the stream, its largest J, its largest gap. */
  jitterMeanMs: number[];
  jitterMaxMs: number[];
  maxGapMs: number[];
  /** When the level's largest gap ended, in ms after the first INVITE. */
  worstGapAtMs: number;
  streams: number;
  packets: number;
  /** 20 ms packet times with no packet, summed over the streams (a skipped tick, or a stalled sender). */
  missingPacketTimes: number;
  ssrcChanges: number;
  /** Answered calls with no RTP from the line, or no marked packet after the ACK. */
  silentCalls: number;
}

/**
 * Reduces a level's call traces to per-call samples and counts.
 *
 * @example
 *   const f = levelFigures((await traceCalls(file, line)).calls);
 *   console.log(pct(f.greetingMs, 99));
 */
export function levelFigures(calls: CallTrace[]): LevelFigures {
  const f: LevelFigures = {
    invites: 0, answered: 0, refused503: 0, otherFinal: new Map(), unanswered: 0, ended: 0, peakConcurrent: 0, setupsPerSecond: NaN,
    setupMs: [], greetingMs: [], digitFromEndMs: [], digitFromFirstMs: [], infoMs: [], jitterMeanMs: [], jitterMaxMs: [], maxGapMs: [], worstGapAtMs: NaN,
    streams: 0, packets: 0, missingPacketTimes: 0, ssrcChanges: 0, silentCalls: 0,
  };
  const spans: [number, number][] = [];
  let firstInvite = Infinity;
  let worstGap = -1;
  let worstGapAt = NaN;
  let firstOk = Infinity;
  let lastOk = -Infinity;
  for (const c of calls) {
    if (c.inviteAt === null) continue;
    f.invites++;
    firstInvite = Math.min(firstInvite, c.inviteAt);
    if (c.finalStatus === null) f.unanswered++;
    else if (c.finalStatus === 503) f.refused503++;
    else if (c.finalStatus !== 200) f.otherFinal.set(c.finalStatus, (f.otherFinal.get(c.finalStatus) ?? 0) + 1);
    if (c.okAt === null) continue;
    f.answered++;
    firstOk = Math.min(firstOk, c.okAt);
    lastOk = Math.max(lastOk, c.okAt);
    f.setupMs.push(c.okAt - c.inviteAt);
    if (c.byeOkAt !== null) f.ended++;
    const end = c.byeOkAt ?? c.byeAt ?? c.out?.lastAt ?? c.okAt;
    spans.push([c.okAt, end]);
    const s = c.out;
    const ack = c.ackAt;
    const greeting = ack === null ? undefined : s?.markers.find((t) => t >= ack);
    if (!s || ack === null || greeting === undefined) {
      f.silentCalls++;
      continue;
    }
    f.greetingMs.push(greeting - ack);
    const press = c.dtmf[0];
    const prompt = press && s.markers.find((t) => t > press.firstAt);
    if (press && prompt !== undefined) {
      f.digitFromFirstMs.push(prompt - press.firstAt);
      if (press.endAt !== null) f.digitFromEndMs.push(prompt - press.endAt);
    }
    const info = c.infoAt;
    const afterInfo = info === null ? undefined : s.markers.find((t) => t > info);
    if (info !== null && afterInfo !== undefined) f.infoMs.push(afterInfo - info);
    f.streams++;
    f.packets += s.packets;
    f.ssrcChanges += s.ssrcChanges;
    f.missingPacketTimes += Math.max(0, Math.round((s.lastAt - s.firstAt) / PTIME_MS) + 1 - s.packets);
    f.jitterMeanMs.push(s.packets > 1 ? s.jitterSum / (s.packets - 1) : 0);
    f.jitterMaxMs.push(s.jitterMax);
    f.maxGapMs.push(s.maxGap);
    if (s.maxGap > worstGap) {
      worstGap = s.maxGap;
      worstGapAt = s.maxGapAt;
    }
  }
  f.worstGapAtMs = worstGapAt - firstInvite;
  f.peakConcurrent = peak(spans);
  if (f.answered > 1 && lastOk > firstOk) f.setupsPerSecond = ((f.answered - 1) / (lastOk - firstOk)) * 1000;
  for (const k of ['setupMs', 'greetingMs', 'digitFromEndMs', 'digitFromFirstMs', 'infoMs', 'jitterMeanMs', 'jitterMaxMs', 'maxGapMs'] as const) f[k] = sortedOf(f[k]);
  return f;
}
