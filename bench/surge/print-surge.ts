import { pct } from '../sip/level-figures.ts';
import type { Phase, SurgeCall } from './surge-calls.ts';

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const sorted = (xs: number[]) => xs.filter(Number.isFinite).sort((a, b) => a - b);

export interface PhaseFigures {
  offered: number;
  admitted: number;
  told: number;
  refused: number;
  other: number;
  dropped: SurgeCall[];
  /** Admitted calls' RFC 4733 press → next prompt, and SIP INFO → next prompt, ascending ms. */
  digitMs: number[];
  infoMs: number[];
}

/** The figures of the calls given (one phase, or any subset). */
export function figuresOf(calls: SurgeCall[]): PhaseFigures {
  const admitted = calls.filter((c) => c.fate === 'admitted');
  return {
    offered: calls.length,
    admitted: admitted.length,
    told: calls.filter((c) => c.fate === 'told').length,
    refused: calls.filter((c) => c.fate === 'refused').length,
    other: calls.filter((c) => c.fate === 'other').length,
    dropped: admitted.filter((c) => !c.completed),
    digitMs: sorted(admitted.flatMap((c) => c.digitMs)),
    infoMs: sorted(admitted.flatMap((c) => (c.infoMs === null ? [] : [c.infoMs]))),
  };
}

/**
 * Prints the table of the phases: calls offered and what they got, calls
 * dropped after admission, and digit→prompt for the admitted calls.
 *
 * @example
 *   printPhases({ 'normal (unloaded)': figuresOf(unloaded), surge: figuresOf(surge) });
 */
export function printPhases(rows: Record<string, PhaseFigures>): void {
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(
    `  ${'phase'.padEnd(22)}${pad('offered', 8)}${pad('admitted', 9)}${pad('told busy', 10)}${pad('503', 6)}${pad('other', 6)}${pad('dropped', 8)}` +
      `   digit→prompt p50 / p99 (n)   SIP INFO→prompt p50 / p99 (n)`,
  );
  for (const [name, f] of Object.entries(rows)) {
    console.log(
      `  ${name.padEnd(22)}${pad(f.offered, 8)}${pad(f.admitted, 9)}${pad(f.told, 10)}${pad(f.refused, 6)}${pad(f.other, 6)}${pad(f.dropped.length, 8)}` +
        `   ${pad(`${f0(pct(f.digitMs, 50))} / ${f0(pct(f.digitMs, 99))} ms (${f.digitMs.length})`, 26)}   ${pad(`${f0(pct(f.infoMs, 50))} / ${f0(pct(f.infoMs, 99))} ms (${f.infoMs.length})`, 28)}`,
    );
  }
}

/** The calls of one phase. */
export function inPhase(calls: SurgeCall[], phase: Phase): SurgeCall[] {
  return calls.filter((c) => c.phase === phase);
}

/** A target line: the figure, the target, and whether it is met. */
export function target(what: string, figure: string, goal: string, met: boolean | null): void {
  console.log(`  ${what.padEnd(52)} ${figure.padEnd(34)} target ${goal.padEnd(22)} ${met === null ? 'NOT MEASURED' : met ? 'MET' : 'MISSED'}`);
}
