import type { CaptureResult } from './capture.ts';
import type { CaptureTraces } from './call-traces.ts';
import { pct, type LevelFigures } from './level-figures.ts';
import type { SippOutcome } from './sipp-run.ts';
import type { Stall } from './stall-watch.ts';

export interface LevelReport {
  level: number;
  rate: number;
  loadBefore: number;
  sipp: SippOutcome;
  figures: LevelFigures;
  traces: CaptureTraces;
  capture: CaptureResult;
  line: { cpuPct: number; rssBefore: number; rssPeak: number; clockLateMs: number; clockSkipped: number; stall: Stall; stallAtS: number; wallMs: number };
  limits: { maxGapMs: number; maxJitterMs: number };
  pcapFile: string | null;
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const ps = (xs: number[], list: number[]) => list.map((p) => `p${p} ${f1(pct(xs, p))}`).join(' ');
const last = (xs: number[]) => xs.at(-1) ?? NaN;

/**
 * Prints one level's block and says whether every call completed and the
 * media held: every call heard the greeting and both prompts after its
 * digits, and no call's largest gap or mean jitter went past the limits.
 *
 * @example
 *   const { completed, mediaHolds } = printLevel(report);
 */
export function printLevel(r: LevelReport): { completed: boolean; mediaHolds: boolean } {
  const { sipp, figures: f, line, limits } = r;
  const everyCall = (xs: number[]) => xs.length === f.answered;
  const completed = sipp.failed === 0 && sipp.ok === r.level;
  const mediaHolds = f.silentCalls === 0 && everyCall(f.greetingMs) && everyCall(f.digitFromFirstMs) && everyCall(f.infoMs) &&
    last(f.maxGapMs) <= limits.maxGapMs && last(f.jitterMeanMs) <= limits.maxJitterMs;
  const finals = [`${f.answered}×200`, ...(f.refused503 ? [`${f.refused503}×503`] : []), ...[...f.otherFinal].map(([code, n]) => `${n}×${code}`), ...(f.unanswered ? [`${f.unanswered} unanswered`] : [])];
  const failures = sipp.failures.size ? ` (${[...sipp.failures].map(([k, n]) => `${k} ${n}`).join(', ')})` : '';
  const meanJitter = f.jitterMeanMs.reduce((a, b) => a + b, 0) / f.jitterMeanMs.length;
  const verdict = completed && mediaHolds ? 'HOLDS' : completed ? 'calls complete, media does NOT hold' : 'calls FAILED';
  console.log(`\n${r.level} calls (load average ${r.loadBefore.toFixed(2)} before): ${verdict}`);
  console.log(`  calls     ${sipp.ok} completed, ${sipp.failed} failed${failures}; INVITEs answered ${finals.join(', ')}; ${f.ended} ended by BYE/200; peak ${f.peakConcurrent} concurrent`);
  for (const e of sipp.errors) console.log(`            SIPp: ${e.slice(0, 160)}`);
  console.log(`  setup     ${f1(f.setupsPerSecond)} setups/s (offered ${Math.min(r.rate, r.level)}/s); INVITE→200 ${ps(sipp.setupMs, [50, 95, 99])} ms (SIPp's rtt trace, whole ms), ${ps(f.setupMs, [50, 95, 99])} ms (capture)`);
  console.log(`  greeting  ACK→first marked RTP ${ps(f.greetingMs, [50, 99])} max ${f1(last(f.greetingMs))} ms (${f.greetingMs.length} calls)`);
  console.log(`  digit     RFC 4733 end packet→next prompt ${ps(f.digitFromEndMs, [50, 99])} ms; from the press's first packet ${ps(f.digitFromFirstMs, [50, 99])} ms; SIP INFO→next prompt ${ps(f.infoMs, [50, 99])} ms`);
  console.log(
    `  media     line→SIPp ${f.streams} streams, ${f.packets} packets, ${f.missingPacketTimes} packet times missing; ` +
      `RFC 3550 jitter mean ${f1(meanJitter)} ms (worst call ${f1(last(f.jitterMeanMs))} ms, largest J ${f1(last(f.jitterMaxMs))} ms); ` +
      `largest gap ${f1(last(f.maxGapMs))} ms at +${f1(f.worstGapAtMs / 1000)} s (p50 of the calls' largest ${f1(pct(f.maxGapMs, 50))} ms, ${f.maxGapMs.filter((g) => g > limits.maxGapMs).length} calls over ${limits.maxGapMs} ms)`,
  );
  console.log(
    `  line      CPU ${line.cpuPct.toFixed(0)} % of a core (${(line.cpuPct / r.level).toFixed(2)} %/call); memory +${((line.rssPeak - line.rssBefore) / 1024 / r.level).toFixed(0)} KiB/call at peak (RSS ${(line.rssPeak / 2 ** 20).toFixed(0)} MiB); ` +
      `media clock worst lateness ${f1(line.clockLateMs)} ms, ${line.clockSkipped} ticks skipped; ` +
      `longest event-loop stall ${f1(line.stall.wallMs)} ms at +${f1(line.stallAtS)} s, on CPU ${f1(line.stall.cpuMs)} ms of it (longest GC pause ${f1(line.stall.longestGcMs)} ms); wall ${(line.wallMs / 1000).toFixed(1)} s`,
  );
  console.log(`  capture   ${r.capture.captured ?? '?'} packets, ${r.capture.dropped ?? '?'} dropped; ${r.traces.pcap.udp} UDP read, ${r.traces.stray} stray RTP${r.pcapFile ? `; ${r.pcapFile}` : ''}`);
  return { completed, mediaHolds };
}
