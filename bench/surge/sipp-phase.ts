import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pressCaptures } from '../../test/sipp/dtmf-captures.ts';
import { surgeScenario, surgeScenarioKeys, type SurgeScenarioOptions } from '../../test/sipp/surge-scenario.ts';
import { freePort } from '../../test/support/sipp.ts';
import { SIPP } from '../sip/sipp-run.ts';
import { readSippStatistics } from '../sip/sipp-statistics.ts';

export interface SippPhase {
  /** What the From users of this phase's calls start with (then SIPp's call number). */
  caller: string;
  target: string;
  service: string;
  scenario: SurgeScenarioOptions;
  calls: number;
  /** New calls per `periodMs` (SIPp's -r and -rp; SIPp wants whole numbers of calls). */
  rate: number;
  periodMs: number;
  /** Ramp: start at `rate / steps` (rounded up) and add as much every `stepS` seconds, up to `rate` (SIPp's -rate_increase). */
  ramp?: { steps: number; stepS: number };
  timeoutS: number;
}

export interface SippPhaseResult {
  /** SIPp's own count of calls that ended as the scenario allows, and of those it failed. */
  ok: number;
  failed: number;
  failures: Map<string, number>;
  errors: string[];
  exitCode: number | null;
}

/**
 * Starts one SIPp process placing the surge scenario's calls at a rate (or
 * a ramp), in a folder of its own with the key captures the scenario plays;
 * resolves when SIPp ends, with its statistics.
 *
 * @example
 *   const normal = startSippPhase({ caller: '+34610', target, service: '950183313', scenario, calls: 30, rate: 6, periodMs: 60_000, timeoutS: 600 });
 *   const result = await normal.done;
 */
export function startSippPhase(p: SippPhase): { done: Promise<SippPhaseResult>; stop(): void } {
  let child: ReturnType<typeof spawn> | undefined;
  let stopped = false;
  const done = (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clave-bench-surge-sipp-'));
    try {
      await writeFile(join(dir, 'surge.xml'), surgeScenario(p.scenario));
      for (const [name, data] of pressCaptures(surgeScenarioKeys(p.scenario))) await writeFile(join(dir, name), data);
      const step = p.ramp ? Math.ceil(p.rate / p.ramp.steps) : p.rate;
      const ramp = p.ramp ? ['-rate_increase', String(step), '-rate_interval', `${p.ramp.stepS}s`, '-rate_max', String(p.rate), '-no_rate_quit'] : [];
      const args = [p.target, '-sf', 'surge.xml', '-s', p.service, '-set', 'caller', p.caller, '-m', String(p.calls), '-l', '5000',
        '-r', String(step), '-rp', String(p.periodMs), ...ramp,
        '-t', 'u1', '-i', '127.0.0.1', '-p', String(await freePort()), '-mi', '127.0.0.1', '-mp', String(await freePort()),
        '-timeout', `${p.timeoutS}s`, '-trace_stat', '-trace_err', '-nostdin'];
      if (stopped) return { ok: 0, failed: 0, failures: new Map(), errors: ['stopped before it started'], exitCode: null };
      const proc = spawn(SIPP, args, { cwd: dir, stdio: ['ignore', 'ignore', 'ignore'] });
      child = proc;
      const guard = setTimeout(() => proc.kill('SIGKILL'), (p.timeoutS + 30) * 1000);
      const exitCode = await new Promise<number | null>((resolve) => proc.on('close', resolve));
      clearTimeout(guard);
      const stats = await readSippStatistics(dir);
      const errors = (await stats.read('_errors.log')).split('\n').filter((l) => l.trim() && !/receive timeout .* jumping to label|^The following events occurred/.test(l)).slice(0, 5);
      return { ok: stats.ok, failed: stats.failed, failures: stats.failures, errors, exitCode };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return {
    done,
    stop() {
      stopped = true;
      child?.kill('SIGTERM');
    },
  };
}
