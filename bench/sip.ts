/**
 * `npm run bench:sip`: the line under SIPp load on loopback, refereed by a
 * packet capture. Starts Clave in this process (SIP on a free port, RTP on
 * 15000–18999, in-memory store, warmed prompts), then for each level runs
 * that many reference calls at once (bench/sip-reference.xml: greeting, an
 * RFC 4733 digit, the next prompt, a SIP INFO digit, the closing prompt,
 * REFER, BYE) while tshark captures the line's SIP port and RTP ports into a
 * pcap; then reads the pcap (bench/sip/pcap-udp.ts) and prints per level:
 *  - calls completed and failed (SIPp), the INVITEs' final responses (503
 *    refusals apart from other failures), the peak of concurrent calls;
 *  - call setups per second and INVITE→200 p50/p95/p99 (SIPp's rtt trace, in
 *    whole ms, and the capture's);
 *  - ACK → the greeting's first RTP packet (marker bit);
 *  - a digit → the next prompt's first packet (marker bit), from the RFC 4733
 *    press's first end packet (E bit), and from its first packet, which is
 *    what the line acts on (its detector reports a key on an event's first
 *    packet), so the prompt often starts before the key is released and the
 *    first figure is then negative; and from the SIP INFO;
 *  - of the line's RTP (line → SIPp): RFC 3550 §6.4.1 interarrival jitter
 *    (the per-call mean of the running estimate J, as tshark's "Mean
 *    Jitter"), the largest gap between consecutive packets, packet times with
 *    no packet; the line sends continuously (silence between prompts), so
 *    every gap counts;
 *  - the line's CPU and memory per call (RSS at peak over the idle line), the
 *    media clock's own worst lateness and skipped ticks as a cross-check of
 *    the capture, and the longest stall of this process's event loop with
 *    the CPU it used meanwhile (near the stall: the line's own work; near 0:
 *    the OS ran SIPp, tshark or other jobs on the two cores instead).
 * A level "holds" when every call completed, every call heard the greeting and
 * both prompts after its digits, and every call's largest gap and mean jitter
 * stay within --max-gap (60 ms: three packet times, what a receiver's jitter
 * buffer of three packets hides) and --max-jitter (10 ms). It stops after the
 * first level with failed calls, then prints the highest level that held.
 *
 * Needs /usr/bin/sipp (Debian sip-tester) and tshark (Debian tshark), and
 * root or capture rights on lo. The default levels take about 3 minutes on
 * 2 cores. The full run, which keeps each level's pcap and checks our figures
 * against tshark's own `-z rtp,streams` analysis:
 *
 *   npm run bench:sip -- --levels 10,50,100,200,400,600,800 --keep-pcap --tshark-stats
 *
 * With --status-load, wrk (Debian) hammers GET /status of the same line
 * (one thread, 32 connections) for as long as each level's calls run, and
 * the level prints its requests/s and p99: run a level with and without it
 * to see the page's load on calls in progress.
 *
 * Options: --levels 10,50,100,200,400  --rate 50 (new calls per second)
 *          --max-gap 60  --max-jitter 10  --keep-pcap  --tshark-stats  --status-load
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../src/config/index.ts';
import { createLogger } from '../src/log/index.ts';
import { startClave } from '../src/main.ts';
import { freePort } from '../test/support/sipp.ts';
import { startCapture, tsharkVersion } from './sip/capture.ts';
import { traceCalls } from './sip/call-traces.ts';
import { levelFigures } from './sip/level-figures.ts';
import { printLevel } from './sip/print-level.ts';
import { runSippLevel, SIPP } from './sip/sipp-run.ts';
import { watchStalls } from './sip/stall-watch.ts';
import { tsharkStreams } from './sip/tshark-streams.ts';
import { hasWrk, runWrk } from './wrk.ts';

const SCENARIO = fileURLToPath(new URL('./sip-reference.xml', import.meta.url));
const SERVICE = '950183313';
const RTP = { min: 15000, max: 18999 };
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const LEVELS = arg('levels', '10,50,100,200,400').split(',').map(Number).filter((n) => n > 0);
const RATE = Number(arg('rate', '50'));
const MAX_GAP_MS = Number(arg('max-gap', '60'));
const MAX_JITTER_MS = Number(arg('max-jitter', '10'));
const KEEP_PCAP = flag('keep-pcap');
/** Drive the public status page with wrk while the calls run (its figures printed per level). */
const STATUS_LOAD = flag('status-load');
const TSHARK_STATS = flag('tshark-stats');

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// A full collection before each level (never during one: it would stall the media), so the
// memory baseline is the live heap rather than the previous level's garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

if (STATUS_LOAD && !hasWrk()) {
  console.error('bench:sip --status-load needs wrk: DEBIAN_FRONTEND=noninteractive apt-get install -y wrk');
  process.exit(2);
}
const tshark = tsharkVersion();
if (!tshark) {
  console.error('bench:sip needs tshark: DEBIAN_FRONTEND=noninteractive apt-get install -y tshark');
  process.exit(2);
}
const cpu = cpus();
const sippVersion = spawnSync(SIPP, ['-v'], { encoding: 'utf8' }).stdout.match(/SIPp v\S+/)?.[0]?.replace(/\.$/, '') ?? 'SIPp ?';
console.log(
  `machine: ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}, node ${process.version}; ` +
    `${sippVersion} and ${tshark.replace(/ \(.*$/, '')} on the same cores; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
);
console.log(`reference call: ${SERVICE}, G.711 both ways, an RFC 4733 digit at ACK+4 s, a SIP INFO digit at ACK+12 s, REFER, BYE; ${RATE} new calls/s; holds: gap ≤ ${MAX_GAP_MS} ms, mean jitter ≤ ${MAX_JITTER_MS} ms`);
console.log('(digit→prompt from the RFC 4733 end packet is negative when the prompt starts before the key is released: the line acts on the first event packet)');

const dataDir = await mkdtemp(join(tmpdir(), 'clave-bench-sip-'));
const clave = await startClave({
  config: loadConfig({
    CLAVE_HTTP_PORT: '0', CLAVE_SIP_PORT: '0', CLAVE_DATA_DIR: dataDir, CLAVE_AUDIO_CACHE_DIR: join(tmpdir(), 'clave-bench-audio'),
    CLAVE_ADMIN_TOKEN: 'bench-token-0123456789abcdef', CLAVE_LOG_LEVEL: 'error', CLAVE_MAX_CALL_SECONDS: '300',
    CLAVE_RTP_PORT_MIN: String(RTP.min), CLAVE_RTP_PORT_MAX: String(RTP.max),
  }),
  logger: createLogger({ level: 'error' }),
  inMemory: true,
});
const sipPort = clave.sip?.port ?? 0;
const work = await mkdtemp(join(tmpdir(), 'clave-bench-sipp-'));
const pcapDir = join(work, 'pcap');
const sippDir = join(work, 'sipp');
await mkdir(pcapDir);
await mkdir(sippDir);
const held: number[] = [];
try {
  for (const level of LEVELS) {
    // The previous level's calls and their RTCP BYEs are gone before this one starts.
    for (let i = 0; i < 100 && ((clave.sip?.ua.calls.size ?? 0) > 0 || clave.line.live.size > 0 || (clave.mediaClock?.size ?? 0) > 0); i++) await sleep(100);
    await sleep(1500);
    const clock = clave.mediaClock;
    if (clock) {
      clock.worstLateMs = 0;
      clock.skipped = 0;
    }
    const loadBefore = loadavg()[0] ?? NaN;
    const file = join(pcapDir, `level-${level}.pcap`);
    const capture = await startCapture(file, `udp and (port ${sipPort} or portrange ${RTP.min}-${RTP.max})`);
    gc();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 250);
    const stalls = watchStalls();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    // The reference call lasts about 15 s; the page is loaded while calls are being set up and run.
    const statusLoad = STATUS_LOAD
      ? runWrk(`${clave.url}/status`, { threads: 1, connections: 32, seconds: Math.ceil(level / RATE) + 12, headers: { 'Accept-Language': 'es' } })
      : null;
    const sipp = await runSippLevel({
      scenario: SCENARIO, target: `127.0.0.1:${sipPort}`, service: SERVICE, calls: level, rate: RATE,
      sipPort: await freePort(), mediaPort: await freePort(), dir: sippDir, timeoutS: 300,
    });
    const wall = performance.now() - t0;
    clearInterval(sampler);
    const stall = stalls.stop();
    const used = process.cpuUsage(cpu0);
    // dumpcap drains the kernel's buffer at its own pace: the last BYEs are still in it when SIPp exits.
    await sleep(1000);
    const captured = await capture.stop();
    const traces = await traceCalls(file, { sipPort, rtp: RTP });
    const figures = levelFigures(traces.calls);
    const { completed, mediaHolds } = printLevel({
      level, rate: RATE, loadBefore, sipp, figures, traces, capture: captured,
      line: {
        cpuPct: ((used.user + used.system) / 1000 / wall) * 100, rssBefore, rssPeak, clockLateMs: clock?.worstLateMs ?? NaN, clockSkipped: clock?.skipped ?? 0,
        stall, stallAtS: (stall.at - t0) / 1000, wallMs: wall,
      },
      limits: { maxGapMs: MAX_GAP_MS, maxJitterMs: MAX_JITTER_MS },
      pcapFile: KEEP_PCAP ? file : null,
    });
    if (TSHARK_STATS) {
      const ours = (await tsharkStreams(file)).filter((s) => s.srcPort >= RTP.min && s.srcPort <= RTP.max && s.srcPort % 2 === 0);
      const mean = ours.reduce((a, s) => a + s.meanJitterMs, 0) / ours.length;
      console.log(`  tshark    -z rtp,streams: ${ours.length} line→SIPp streams, ${ours.reduce((a, s) => a + s.packets, 0)} packets, mean jitter ${f1(mean)} ms, largest max delta ${f1(Math.max(...ours.map((s) => s.maxDeltaMs)))} ms`);
    }
    if (statusLoad) {
      const page = await statusLoad;
      console.log(`  status    GET /status during the level: ${page.rps.toFixed(0)} req/s, p50 ${f1(page.p50)} p99 ${f1(page.p99)} ms, ${page.bad} non-2xx${page.errors ? `; ${page.errors}` : ''}`);
    }
    if (!KEEP_PCAP) await rm(file, { force: true });
    if (completed && mediaHolds) held.push(level);
    if (!completed) {
      const failed = sipp.failed || level - sipp.ok;
      const refusals = figures.refused503 ? `${figures.refused503} refused with 503 (the line shedding load)` : 'no 503 refusals';
      console.log(`\nstopping: ${failed} calls failed at ${level} concurrent calls; ${refusals}, ${Math.max(0, failed - figures.refused503)} other failures`);
      break;
    }
  }
  console.log(`\ncapacity: ${held.length ? `${Math.max(...held)} concurrent calls` : 'no level'} held (every call completed, greeting and both prompts heard, gap ≤ ${MAX_GAP_MS} ms, mean jitter ≤ ${MAX_JITTER_MS} ms)`);
} finally {
  await clave.stop();
  if (!KEEP_PCAP) await rm(work, { recursive: true, force: true });
  else console.log(`pcaps kept in ${pcapDir}`);
  await rm(dataDir, { recursive: true, force: true });
}
