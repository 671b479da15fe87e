import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readSippStatistics } from './sipp-statistics.ts';

export const SIPP = '/usr/bin/sipp';

export interface SippLevel {
  scenario: string;
  target: string;
  service: string;
  calls: number;
  /** New calls per second. */
  rate: number;
  sipPort: number;
  mediaPort: number;
  /** SIPp writes its statistics and traces here (emptied afterwards). */
  dir: string;
  timeoutS: number;
}

export interface SippOutcome {
  ok: number;
  failed: number;
  /** INVITE→200 as SIPp measured it (its response-time trace), ascending, ms. */
  setupMs: number[];
  /** SIPp's failure counters that are not zero (FailedCallRejected, FailedUnexpectedMessage…). */
  failures: Map<string, number>;
  /** The first lines of SIPp's error log, when calls failed. */
  errors: string[];
  exitCode: number | null;
}

/**
 * Runs `calls` reference calls at once (`-l calls`), started at `rate` per
 * second, and waits for SIPp to end; reads its statistics, response-time
 * and error files.
 *
 * @example
 *   const r = await runSippLevel({ scenario, target: '127.0.0.1:5060', service: '950183313', calls: 10, rate: 50, sipPort: 30000, mediaPort: 30002, dir, timeoutS: 300 });
 */
export async function runSippLevel(o: SippLevel): Promise<SippOutcome> {
  const args = [o.target, '-sf', o.scenario, '-s', o.service, '-m', String(o.calls), '-l', String(o.calls), '-r', String(Math.min(o.rate, o.calls)),
    '-t', 'u1', '-i', '127.0.0.1', '-p', String(o.sipPort), '-mi', '127.0.0.1', '-mp', String(o.mediaPort), '-timeout', `${o.timeoutS}s`,
    '-trace_rtt', '-rtt_freq', '1', '-trace_stat', '-fd', '1', '-trace_err', '-nostdin'];
  const child = spawn(SIPP, args, { cwd: o.dir, stdio: ['ignore', 'ignore', 'ignore'] });
  // SIPp's -timeout ends it; the kill is for a SIPp that hangs anyway.
  const guard = setTimeout(() => child.kill('SIGKILL'), (o.timeoutS + 30) * 1000);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(guard);
  const stats = await readSippStatistics(o.dir);
  const setupMs: number[] = [];
  // <scenario>_<pid>_rtt.csv: Date_ms;response_time_ms;rtd_no
  for (const line of (await stats.read('_rtt.csv')).split('\n').slice(1)) {
    const v = Number(line.split(';')[1]);
    if (line.trim() && Number.isFinite(v)) setupMs.push(v);
  }
  const errors = (await stats.read('_errors.log')).split('\n').filter((l) => l.trim()).slice(0, 5);
  for (const f of stats.files) await rm(join(o.dir, f), { force: true, recursive: true });
  return { ok: stats.ok, failed: stats.failed, setupMs: setupMs.sort((a, b) => a - b), failures: stats.failures, errors, exitCode };
}
