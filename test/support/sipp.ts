import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SIPP = '/usr/bin/sipp';
export const SIPP_SKIP_REASON = `${SIPP} is not installed (bash .ci/run installs Debian's sip-tester)`;
export const hasSipp = existsSync(SIPP);

/**
 * An even port free for both UDP and TCP on 127.0.0.1 (SIPp wants an even
 * media port; Linux hands out odd ephemeral ports to bind(0), so pick one).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 30_000 + 2 * Math.floor(Math.random() * 5000);
    const tcp = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (!tcp) continue;
    const udp = await new Promise<boolean>((resolve) => {
      const u = createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    });
    if (udp) return port;
  }
  throw new Error('no free port found');
}

export interface SippResult {
  code: number;
  stdout: string;
  errors: string;
  /** Every message sent and received (SIPp's -trace_msg), when `traceMessages`. */
  messages: string;
}

export interface SippRun {
  scenario: string;
  target: string;
  service: string;
  caller: string;
  transport?: 'u1' | 't1';
  calls?: number;
  /** New calls per second (SIPp's -r; its default is 10). */
  rate?: number;
  timeoutS?: number;
  /** Files the scenario names by relative path (captures for play_pcap_audio); SIPp runs in their folder. */
  files?: ReadonlyMap<string, Buffer>;
  /** Keep SIPp's log of every message, returned as `messages`. */
  traceMessages?: boolean;
}

export interface SippSpawn {
  /** What this run is: scenario, target or local port, counts… The logs, the timeout and -nostdin are added here. */
  args: string[];
  /** The folder SIPp runs in (its scenario and files); removed once SIPp has ended. */
  dir: string;
  /** SIPp's -timeout (with -timeout_error), and a kill a little after it. */
  timeoutS: number;
  /** Keep SIPp's log of every message, returned as `messages`. */
  traceMessages?: boolean;
}

/**
 * Runs SIPp in `dir` and waits for it to end; its exit code, the tail of
 * its screen, and its error (and message) logs.
 *
 * @example
 *   const r = await spawnSipp({ args: ['-sf', file, '-sn', 'uas'], dir, timeoutS: 30, traceMessages: true });
 */
export async function spawnSipp(opts: SippSpawn): Promise<SippResult> {
  const { dir, timeoutS } = opts;
  const args = [
    ...opts.args,
    '-timeout', `${timeoutS}s`,
    '-timeout_error',
    '-trace_err',
    '-error_file', join(dir, 'errors.log'),
    ...(opts.traceMessages ? ['-trace_msg', '-message_file', join(dir, 'messages.log')] : []),
    '-nostdin',
  ];
  const child = spawn(SIPP, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  // SIPp's own -timeout ends a stuck run; this guards against SIPp itself hanging.
  const guard = setTimeout(() => child.kill('SIGKILL'), (timeoutS + 15) * 1000);
  // SIPp repaints its statistics screen all the time: keep only the tail.
  let stdout = '';
  const keep = (d: Buffer) => (stdout = (stdout + d.toString()).slice(-8000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  clearTimeout(guard);
  const errors = await readFile(join(dir, 'errors.log'), 'utf8').catch(() => '');
  const messages = opts.traceMessages ? await readFile(join(dir, 'messages.log'), 'utf8').catch(() => '') : '';
  await rm(dir, { recursive: true, force: true });
  return { code, stdout, errors, messages };
}

/**
 * Runs one SIPp scenario against the line and waits for it to end, bounded
 * by `timeoutS` (SIPp's -timeout, and a kill a little after it).
 *
 * @example
 *   const r = await runSipp({ scenario, target: '127.0.0.1:5060', service: '950183313', caller: '+34600111222', timeoutS: 60 });
 *   expect(r.code, r.stdout + r.errors).toBe(0);
 */
export async function runSipp(opts: SippRun): Promise<SippResult> {
  const dir = await mkdtemp(join(tmpdir(), 'clave-sipp-'));
  const file = join(dir, 'scenario.xml');
  await writeFile(file, opts.scenario);
  for (const [name, data] of opts.files ?? []) await writeFile(join(dir, name), data);
  const [localPort, mediaPort] = [await freePort(), await freePort()];
  const args = [
    opts.target,
    '-sf', file,
    '-s', opts.service,
    '-set', 'caller', opts.caller,
    '-m', String(opts.calls ?? 1),
    '-l', String(opts.calls ?? 1),
    ...(opts.rate ? ['-r', String(opts.rate)] : []),
    '-t', opts.transport ?? 'u1',
    '-i', '127.0.0.1',
    '-p', String(localPort),
    '-mi', '127.0.0.1',
    '-mp', String(mediaPort),
  ];
  return spawnSipp({ args, dir, timeoutS: opts.timeoutS ?? 120, traceMessages: opts.traceMessages });
}
