import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

/** What wrk reports for one run. */
export interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  bad: number;
  errors: string;
}

/** Whether Debian's wrk is on the path. */
export function hasWrk(): boolean {
  return spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error === undefined;
}

/** wrk prints latencies as "512.00us", "4.21ms", "1.02s". */
function ms(text: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '');
  if (!m) return NaN;
  const factor = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as 'us' | 'ms' | 's' | 'm'];
  return Number(m[1]) * factor;
}

/** Reads wrk's `--latency` report. */
export function parseWrk(out: string): WrkResult {
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    p50: ms(/^\s+50%\s+(\S+)/m.exec(out)?.[1]),
    p99: ms(/^\s+99%\s+(\S+)/m.exec(out)?.[1]),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN),
    bad: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
    errors: /Socket errors:.*$/m.exec(out)?.[0] ?? '',
  };
}

/**
 * Runs wrk against `url` and resolves with its figures. Asynchronous on
 * purpose: the server under test may run on this process's event loop.
 */
export async function runWrk(
  url: string,
  opts: { threads: number; connections: number; seconds: number; headers?: Record<string, string> },
): Promise<WrkResult> {
  const args = ['-t', String(opts.threads), '-c', String(opts.connections), '-d', `${opts.seconds}s`, '--latency'];
  for (const [name, value] of Object.entries(opts.headers ?? {})) args.push('-H', `${name}: ${value}`);
  const { stdout } = await promisify(execFile)('wrk', [...args, url], { maxBuffer: 1 << 20 });
  return parseWrk(stdout);
}
