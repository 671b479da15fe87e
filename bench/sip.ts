/**
 * `npm run bench:sip`: the line under SIPp load on loopback. Starts Clave
 * (SIP on a free port, in-memory store, warmed prompts), then runs the
 * reference call (bench/sip-reference.xml) at rising concurrency until calls
 * fail, printing per level: completed and failed calls, call setups per
 * second, INVITE→200 p50/p95/p99 (SIPp's response-time trace), the media
 * clock's worst lateness and skipped ticks, memory per call and CPU.
 *
 * Usage: npm run bench:sip [-- --levels 10,50,100 --rate 50]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/index.ts';
import { createLogger } from '../src/log/index.ts';
import { startClave } from '../src/main.ts';

const SCENARIO = fileURLToPath(new URL('./sip-reference.xml', import.meta.url));
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const LEVELS = arg('levels', '10,25,50,100,200').split(',').map(Number);
const RATE = Number(arg('rate', '50'));

function pct(sorted: number[], p: number): number {
  return sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN) : NaN;
}

async function sipp(target: string, calls: number, dir: string): Promise<{ ok: number; failed: number; setupMs: number[] }> {
  const args = [target, '-sf', SCENARIO, '-s', '950183313', '-m', String(calls), '-l', String(calls), '-r', String(Math.min(RATE, calls)),
    '-t', 'u1', '-i', '127.0.0.1', '-p', String(40000 + Math.floor(Math.random() * 1000) * 2), '-mi', '127.0.0.1',
    '-mp', String(42000 + Math.floor(Math.random() * 1000) * 2), '-timeout', '300s', '-trace_rtt', '-rtt_freq', '1', '-nostdin', '-trace_stat', '-fd', '1'];
  const child = spawn('/usr/bin/sipp', args, { cwd: dir, stdio: ['ignore', 'ignore', 'ignore'] });
  await new Promise((r) => child.on('close', r));
  const files = await readdir(dir);
  const rtt = files.find((f) => f.endsWith('_rtt.csv'));
  const stat = files.find((f) => f.endsWith('_.csv'));
  const setupMs: number[] = [];
  if (rtt) {
    for (const line of (await readFile(join(dir, rtt), 'utf8')).split('\n').slice(1)) {
      const v = Number(line.split(';')[1]);
      if (Number.isFinite(v) && line.trim()) setupMs.push(v);
    }
  }
  let ok = 0;
  let failed = 0;
  if (stat) {
    const rows = (await readFile(join(dir, stat), 'utf8')).trim().split('\n');
    const head = rows[0]?.split(';') ?? [];
    const last = rows.at(-1)?.split(';') ?? [];
    ok = Number(last[head.indexOf('SuccessfulCall(C)')] ?? 0);
    failed = Number(last[head.indexOf('FailedCall(C)')] ?? 0);
  }
  for (const f of files) await rm(join(dir, f), { force: true });
  return { ok, failed, setupMs: setupMs.sort((a, b) => a - b) };
}

const cpu = cpus();
console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}; SIPp on the same cores`);
const dataDir = await mkdtemp(join(tmpdir(), 'clave-bench-sip-'));
const clave = await startClave({
  config: loadConfig({ CLAVE_HTTP_PORT: '0', CLAVE_SIP_PORT: '0', CLAVE_DATA_DIR: dataDir, CLAVE_AUDIO_CACHE_DIR: join(tmpdir(), 'clave-bench-audio'), CLAVE_ADMIN_TOKEN: 'bench-token-0123456789abcdef', CLAVE_LOG_LEVEL: 'error', CLAVE_MAX_CALL_SECONDS: '300' }),
  logger: createLogger({ level: 'error' }),
  inMemory: true,
});
const target = `127.0.0.1:${clave.sip?.port ?? 0}`;
const work = await mkdtemp(join(tmpdir(), 'clave-bench-sipp-'));
try {
  for (const level of LEVELS) {
    const clock = clave.mediaClock;
    if (clock) {
      clock.worstLateMs = 0;
      clock.skipped = 0;
    }
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 250);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await sipp(target, level, work);
    const wall = performance.now() - t0;
    clearInterval(sampler);
    const used = process.cpuUsage(cpu0);
    console.log(
      `${String(level).padStart(4)} calls: ${r.ok} completed, ${r.failed} failed; setup p50 ${pct(r.setupMs, 50).toFixed(1)} ms, p95 ${pct(r.setupMs, 95).toFixed(1)} ms, p99 ${pct(r.setupMs, 99).toFixed(1)} ms; ` +
        `offered ${Math.min(RATE, level)} setups/s; line CPU ${(((used.user + used.system) / 1000 / wall) * 100).toFixed(0)} % of a core (${((((used.user + used.system) / 1000 / wall) * 100) / level).toFixed(2)} %/call); ` +
        `memory +${((rssPeak - rssBefore) / 1024 / level).toFixed(0)} KiB/call at peak; media clock worst lateness ${(clock?.worstLateMs ?? NaN).toFixed(1)} ms, ${clock?.skipped ?? 0} ticks skipped; wall ${(wall / 1000).toFixed(1)} s`,
    );
    if (r.failed > 0 || r.ok < level) {
      console.log(`stopping: calls failed at ${level} concurrent calls`);
      break;
    }
  }
} finally {
  await clave.stop();
  await rm(work, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
}
