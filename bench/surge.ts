/**
 * `npm run bench:surge`: the line from normal load to ten times its
 * capacity and back, driven by SIPp, refereed by a packet capture.
 *
 * 1. A fresh data dir whose outage detector is given a normal history first
 *    (bench/surge/baseline.ts): SYNTHETIC weeks at --normal-rate calls per
 *    minute, learnt through the detector's own model; the normal phases
 *    below offer exactly that rate.
 * 2. The line as `npm start` runs it, in a separate process (PGlite on disk,
 *    CLAVE_MAX_CALLS=--capacity, CLAVE_AT_CAPACITY=--at-capacity).
 * 3. SIPp places the reference call (test/sipp/surge-scenario.ts: three RFC
 *    4733 keys, an agent by SIP INFO, REFER, BYE; it also takes a 503 or an
 *    early BYE) at the normal rate for the whole run; on top of it, a second
 *    SIPp ramps (5 steps of 4 s) to --factor × capacity in offered call
 *    rate — factor × capacity ÷ the reference call's hold time, measured in
 *    the normal phase — for --surge-seconds, then stops; the normal load
 *    goes on for --after-seconds.
 * 4. tshark captures the line's SIP and RTP; afterwards the capture and the
 *    line's call records (read from its store once it stopped) say, per
 *    phase, what every call got (admitted, told the lines are busy, 503),
 *    which admitted calls did not complete (dropped after admission), and
 *    the digit → next prompt latency of the admitted calls (the press's
 *    first RFC 4733 packet → the next prompt's first RTP packet, marker bit).
 *    GET /api/alerts is polled from the surge's start for the detector's
 *    first alert.
 * Targets printed with the figures: p99 digit→prompt of the calls admitted in
 * the surge within 2× of the unloaded figure (normal-phase calls that ended
 * before the surge), 0 calls dropped after admission, the alert within 2
 * minutes of the surge's start.
 *
 * Needs /usr/bin/sipp (sip-tester) and tshark, and capture rights on lo.
 * About 6 minutes by default; --quick is a smoke run of about 2.
 *
 * Options: --capacity 20  --at-capacity announce|reject  --factor 10  --normal-rate 6 (calls/min)
 *          --normal-seconds 120  --surge-seconds 120  --after-seconds 60  --quick  --keep-pcap
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/index.ts';
import { startClaveProcess } from '../test/support/clave-process.ts';
import { ADMIN_TOKEN } from '../test/support/line.ts';
import { peak } from '../test/support/peak.ts';
import { machineLine } from './machine.ts';
import { startCapture, tsharkVersion } from './sip/capture.ts';
import { traceCalls } from './sip/call-traces.ts';
import { pct } from './sip/level-figures.ts';
import { SIPP } from './sip/sipp-run.ts';
import { seedBaseline } from './surge/baseline.ts';
import { inviteCallers } from './surge/invite-callers.ts';
import { figuresOf, inPhase, printPhases, target } from './surge/print-surge.ts';
import { startSippPhase, type SippPhaseResult } from './surge/sipp-phase.ts';
import { surgeCalls, type StoredCall } from './surge/surge-calls.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const QUICK = process.argv.includes('--quick');
const KEEP_PCAP = process.argv.includes('--keep-pcap');
const CAPACITY = Number(arg('capacity', QUICK ? '5' : '20'));
const AT_CAPACITY = arg('at-capacity', 'announce') === 'reject' ? 'reject' : 'announce';
const FACTOR = Number(arg('factor', '10'));
const NORMAL_PER_MIN = Number(arg('normal-rate', '6'));
const NORMAL_S = Number(arg('normal-seconds', QUICK ? '30' : '120'));
const SURGE_S = Number(arg('surge-seconds', QUICK ? '30' : '120'));
const AFTER_S = Number(arg('after-seconds', QUICK ? '15' : '60'));
const SERVICE = '950183313';
const RTP = { min: 15000, max: 16999 };
const RAMP = { steps: 5, stepS: 4 };
const SCENARIO = { presses: [{ key: '2', waitMs: 2500 }, { key: '1', waitMs: 2500 }, { key: '1', waitMs: 2500 }], agentAfterMs: 2500, audio: true };
/** The reference call's hold time before it is measured: the waits, and the transfer prompt and REFER. */
const NOMINAL_HOLD_S = 13;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const clockOf = (ms: number) => new Date(ms).toISOString().slice(11, 19);

const tshark = tsharkVersion();
if (!tshark || spawnSync(SIPP, ['-v']).error) {
  console.error('bench:surge needs SIPp and tshark: DEBIAN_FRONTEND=noninteractive apt-get install -y sip-tester tshark');
  process.exit(2);
}
const sippVersion = spawnSync(SIPP, ['-v'], { encoding: 'utf8' }).stdout.match(/SIPp v\S+/)?.[0]?.replace(/\.$/, '') ?? 'SIPp ?';
console.log(machineLine());
console.log(`tools: ${sippVersion}, TShark ${/\d+\.\d+\.\d+/.exec(tshark)?.[0] ?? '?'}, on the same cores as the line; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}${QUICK ? '; --quick: a smoke run, not figures' : ''}`);

const dataDir = await mkdtemp(join(tmpdir(), 'clave-bench-surge-'));
const work = await mkdtemp(join(tmpdir(), 'clave-bench-surge-pcap-'));
const pcap = join(work, 'surge.pcap');
const seeded = await seedBaseline(dataDir, { dialed: SERVICE, perMinute: NORMAL_PER_MIN, weeks: 4 });
console.log(
  `detector baseline: SYNTHETIC — ${seeded.weeks} weeks of minutes with Poisson(${NORMAL_PER_MIN}) calls to ${SERVICE}, every hour of the week alike, ` +
    `learnt through the detector's own model and written to incidents_detector before the line starts; this hour's expectation ${seeded.slotMean.toFixed(2)} calls/min from ${seeded.slotSamples} minutes`,
);

const started = performance.now();
const line = startClaveProcess({
  CLAVE_DATA_DIR: dataDir, CLAVE_HTTP_PORT: '0', CLAVE_SIP_PORT: '0', CLAVE_MAX_CALLS: String(CAPACITY), CLAVE_AT_CAPACITY: AT_CAPACITY,
  CLAVE_RTP_PORT_MIN: String(RTP.min), CLAVE_RTP_PORT_MAX: String(RTP.max), CLAVE_SHUTDOWN_GRACE_SECONDS: '5', CLAVE_LOG_LEVEL: 'warn',
  CLAVE_AUDIO_CACHE_DIR: join(tmpdir(), 'clave-bench-audio'),
});
let normal: ReturnType<typeof startSippPhase> | undefined;
let surge: ReturnType<typeof startSippPhase> | undefined;
try {
  await line.ready(180_000);
  const url = /Clave is answering on (\S+)/.exec(line.output())?.[1] ?? '';
  const sipPort = Number(/SIP:\s+udp and tcp on \S+:(\d+)/.exec(line.output())?.[1]);
  const hardLimit = Math.max(Math.ceil(CAPACITY * 1.25), CAPACITY + 1);
  console.log(
    `line: node src/main.ts in its own process, PGlite in a fresh data dir, up in ${((performance.now() - started) / 1000).toFixed(1)} s; CLAVE_MAX_CALLS=${CAPACITY}, CLAVE_AT_CAPACITY=${AT_CAPACITY}` +
      (AT_CAPACITY === 'announce' ? ` (the spoken refusal for up to ${hardLimit - CAPACITY} callers at once, 503 beyond ${hardLimit})` : ' (503 with Retry-After)'),
  );
  const capture = await startCapture(pcap, `udp and (port ${sipPort} or portrange ${RTP.min}-${RTP.max})`);
  const sipTarget = `127.0.0.1:${sipPort}`;
  const totalNormalS = NORMAL_S + SURGE_S + AFTER_S;
  normal = startSippPhase({
    caller: '+34610', target: sipTarget, service: SERVICE, scenario: SCENARIO, calls: Math.ceil((NORMAL_PER_MIN * totalNormalS) / 60),
    rate: NORMAL_PER_MIN, periodMs: 60_000, timeoutS: totalNormalS + 120,
  });
  await sleep(NORMAL_S * 1000);

  // The reference call's hold time, from the calls of the normal phase, sets the surge's rate.
  const ended = (await (await fetch(`${url}/api/calls?state=ended&outcome=transferred_to_agent&limit=100`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { durationMs: number }[];
  const holdS = ended.length > 0 ? ended.reduce((a, c) => a + c.durationMs, 0) / ended.length / 1000 : NOMINAL_HOLD_S;
  const surgeRate = (FACTOR * CAPACITY) / holdS;
  console.log(
    `reference call: 2 (language) at ACK+2.5 s, 1 (main menu) and 1 (user menu) 2.5 s apart by RFC 4733, 0 (agent) by SIP INFO 2.5 s later, REFER 202, BYE; caller audio; ` +
      `hold ${holdS.toFixed(1)} s (${ended.length ? `mean of ${ended.length} normal-phase calls` : 'nominal'})`,
  );
  console.log(
    `phases: normal ${NORMAL_PER_MIN} calls/min for ${NORMAL_S} s → surge: ramp in ${RAMP.steps * RAMP.stepS} s to ${surgeRate.toFixed(1)} calls/s ` +
      `(${FACTOR} × ${CAPACITY} places ÷ ${holdS.toFixed(1)} s = ${(surgeRate * holdS).toFixed(0)} Erlangs offered), for ${SURGE_S} s, the normal load going on → normal for ${AFTER_S} s`,
  );
  const surgeStart = Date.now();
  // SIPp takes whole calls per period: calls per 10 s.
  surge = startSippPhase({
    caller: '+34620', target: sipTarget, service: SERVICE, scenario: SCENARIO,
    calls: Math.round(surgeRate * (SURGE_S - (RAMP.stepS * (RAMP.steps - 1)) / 2)), rate: Math.round(surgeRate * 10), periodMs: 10_000, ramp: RAMP, timeoutS: SURGE_S + 120,
  });
  let alert: { createdAt: string; message: string } | undefined;
  const pollAlerts = async () => {
    if (alert) return;
    const res = await fetch(`${url}/api/alerts`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).catch(() => null);
    const alerts = res?.ok ? ((await res.json()) as { kind: string; createdAt: string; message: string }[]) : [];
    alert = alerts.filter((a) => a.kind === 'outage_suspected').sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
  };
  const poller = setInterval(() => void pollAlerts(), 2000);
  const surgeResult = await surge.done;
  const surgeOver = Date.now();
  await sleep(Math.max(0, surgeStart + (SURGE_S + AFTER_S) * 1000 - Date.now()));
  const normalResult = await normal.done;
  clearInterval(poller);
  await pollAlerts();
  // dumpcap drains the kernel's buffer at its own pace: the last BYEs are still in it when SIPp exits.
  await sleep(1000);
  const captured = await capture.stop();
  line.kill('SIGTERM');
  await line.exited;

  const db = await openStore({ dataDir });
  const rows = await db.query<{ caller: string; outcome: string | null; started_at: Date; ended_at: Date | null }>('SELECT caller, outcome, started_at, ended_at FROM calls');
  // Callers refused with 503 leave no call record; the line counts them per minute for the detector.
  const refused = await db.query<{ minute: Date; n: number }>('SELECT minute, sum(n)::int AS n FROM call_refusals GROUP BY minute');
  await db.close();
  const stored = new Map<string, StoredCall>(rows.map((r) => [r.caller, { caller: r.caller, outcome: r.outcome, startedAt: r.started_at.getTime(), endedAt: r.ended_at?.getTime() ?? null }]));
  const traces = await traceCalls(pcap, { sipPort, rtp: RTP });
  const callers = await inviteCallers(pcap, sipPort);
  const surgeInvites = traces.calls.filter((c) => c.inviteAt !== null && callers.get(c.callId)?.startsWith('+34620')).map((c) => c.inviteAt!);
  const surgeSpan = { surgeStart: Math.min(...surgeInvites), surgeEnd: Math.max(...surgeInvites) };
  const calls = surgeCalls(traces.calls, callers, stored, surgeSpan);

  console.log(`\nSIPp: normal ${sippLine(normalResult)}; surge ${sippLine(surgeResult)} (surge placed its calls over ${((surgeSpan.surgeEnd - surgeSpan.surgeStart) / 1000).toFixed(0)} s, over at +${((surgeOver - surgeStart) / 1000).toFixed(0)} s)`);
  console.log(`capture: ${captured.captured ?? '?'} packets, ${captured.dropped ?? '?'} dropped; ${traces.calls.length} SIP calls, ${traces.stray} stray RTP; line records ${rows.length} calls`);
  const unloaded = inPhase(calls, 'normal').filter((c) => c.endAt !== null && c.endAt < surgeSpan.surgeStart);
  const rowsOf = { 'normal (unloaded)': figuresOf(unloaded), 'normal (all)': figuresOf(inPhase(calls, 'normal')), surge: figuresOf(inPhase(calls, 'surge')), after: figuresOf(inPhase(calls, 'after')), 'whole run': figuresOf(calls) };
  console.log('');
  printPhases(rowsOf);
  const dropped = rowsOf['whole run'].dropped;
  for (const c of dropped.slice(0, 5)) console.log(`    dropped: ${c.from} (${c.phase}) outcome ${c.outcome ?? 'none recorded'}`);

  const admittedSpans = rows.filter((r) => r.outcome !== 'refused_at_capacity' && r.ended_at).map((r): [number, number] => [r.started_at.getTime(), r.ended_at!.getTime()]);
  const wireSpans = calls.filter((c) => c.fate === 'admitted' && c.okAt !== null && c.endAt !== null).map((c): [number, number] => [c.okAt!, c.endAt!]);
  console.log(`\n  peak of admitted calls at once: ${peak(admittedSpans)} by the line's records, ${peak(wireSpans)} on the wire (200 → BYE); capacity ${CAPACITY}`);
  const perMinute = new Map<number, number>();
  for (const r of rows) perMinute.set(Math.floor(r.started_at.getTime() / 60_000), (perMinute.get(Math.floor(r.started_at.getTime() / 60_000)) ?? 0) + 1);
  for (const r of refused) perMinute.set(r.minute.getTime() / 60_000, (perMinute.get(r.minute.getTime() / 60_000) ?? 0) + r.n);
  const minutes = [...perMinute.keys()].sort((a, b) => a - b);
  const series = minutes.map((m) => `${clockOf(m * 60_000).slice(0, 5)} ${perMinute.get(m)}${m === Math.floor(surgeSpan.surgeStart / 60_000) ? ' (surge)' : ''}`).join(', ');
  console.log(`  what the detector counts (calls recorded per minute plus callers refused with 503, calls:${SERVICE}): ${series}`);
  const alertS = alert ? (Date.parse(alert.createdAt) - surgeSpan.surgeStart) / 1000 : NaN;
  console.log(
    alert
      ? `  first alert: ${f0(alertS)} s after the surge's first call (surge at ${clockOf(surgeSpan.surgeStart)}, ${new Date(surgeSpan.surgeStart).getUTCSeconds()} s into its minute; alert at ${clockOf(Date.parse(alert.createdAt))}): ${alert.message}`
      : `  no outage alert by the end of the run (${((Date.now() - surgeSpan.surgeStart) / 1000).toFixed(0)} s after the surge's start)`,
  );

  const base = pct(rowsOf['normal (unloaded)'].digitMs, 99);
  const loaded = pct(rowsOf.surge.digitMs, 99);
  console.log('\ntargets');
  target('p99 digit→prompt, admitted in the surge vs unloaded', `${f0(loaded)} ms vs ${f0(base)} ms (${(loaded / base).toFixed(2)}×)`, '≤ 2×', Number.isFinite(loaded / base) ? loaded <= 2 * base : null);
  target('calls dropped after admission (whole run)', `${dropped.length} of ${rowsOf['whole run'].admitted} admitted`, '0', dropped.length === 0);
  // A --quick surge is too short for a detector that judges whole minutes over a 5-minute surgeSpan.
  target('surge start → first alert (GET /api/alerts)', alert ? `${f0(alertS)} s` : 'none', '≤ 120 s', alert ? alertS <= 120 : QUICK ? null : false);
  const logs = line.output().split('\n').filter((l) => l.startsWith('{'));
  const errors = logs.filter((l) => /"level":(50|60)/.test(l));
  console.log(`\nline log: ${logs.length} warnings and errors, ${errors.length} errors${errors.length ? `; first: ${errors[0]!.slice(0, 300)}` : ''}`);
} finally {
  normal?.stop();
  surge?.stop();
  if (line.child.exitCode === null && line.child.signalCode === null) {
    line.kill('SIGTERM');
    await line.exited;
  }
  await rm(dataDir, { recursive: true, force: true });
  if (KEEP_PCAP) console.log(`capture kept: ${pcap}`);
  else await rm(work, { recursive: true, force: true });
}

function sippLine(r: SippPhaseResult): string {
  const failures = r.failures.size ? ` (${[...r.failures].map(([k, n]) => `${k} ${n}`).join(', ')})` : '';
  return `${r.ok} calls ended as the scenario allows, ${r.failed} failed${failures}${r.errors.length ? `; ${r.errors[0]!.slice(0, 160)}` : ''}`;
}
