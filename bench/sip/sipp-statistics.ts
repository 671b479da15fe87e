import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SippStatistics {
  /** SIPp's own count of calls that ended as the scenario allows, and of those it failed. */
  ok: number;
  failed: number;
  /** SIPp's failure counters that are not zero (FailedCallRejected, FailedUnexpectedMessage…). */
  failures: Map<string, number>;
  /** The files SIPp left in the folder. */
  files: string[];
  /** The text of SIPp's file whose name ends so (`_rtt.csv`, `_errors.log`: SIPp puts the scenario and its pid before), '' when there is none. */
  read(suffix: string): Promise<string>;
}

/**
 * Reads what a SIPp run with -trace_stat left in `dir`: the cumulative
 * counters of its last statistics row, and its other files on demand.
 *
 * @example
 *   const stats = await readSippStatistics(dir);
 *   const errors = (await stats.read('_errors.log')).split('\n');
 */
export async function readSippStatistics(dir: string): Promise<SippStatistics> {
  const files = await readdir(dir);
  const read = async (suffix: string) => {
    const f = files.find((name) => name.endsWith(suffix));
    return f ? readFile(join(dir, f), 'utf8') : '';
  };
  // <scenario>_<pid>_.csv: a header row of counter names, then a row every -fd seconds and one at the end.
  const rows = (await read('_.csv')).trim().split('\n');
  const head = rows[0]?.split(';') ?? [];
  const last = rows.at(-1)?.split(';') ?? [];
  const cumulative = (name: string) => Number(last[head.indexOf(name)] ?? 0) || 0;
  const failures = new Map<string, number>();
  head.forEach((name, i) => {
    const n = Number(last[i]);
    if (name.startsWith('Failed') && name.endsWith('(C)') && name !== 'FailedCall(C)' && n > 0) failures.set(name.slice(0, -3), n);
  });
  return { ok: cumulative('SuccessfulCall(C)'), failed: cumulative('FailedCall(C)'), failures, files, read };
}
