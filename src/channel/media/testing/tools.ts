import { execFileSync } from 'node:child_process';

const cache = new Map<string, boolean>();

function runs(command: string, args: string[]): boolean {
  let ok = cache.get(command);
  if (ok === undefined) {
    try {
      execFileSync(command, args, { stdio: 'ignore' });
      ok = true;
    } catch {
      ok = false;
    }
    cache.set(command, ok);
  }
  return ok;
}

/** Whether the `sox` binary runs here; tests that need it skip with a note otherwise. */
export function soxAvailable(): boolean {
  return runs('sox', ['--version']);
}

/** Whether `espeak-ng` runs here (the speech context's synthesiser). */
export function espeakAvailable(): boolean {
  return runs('espeak-ng', ['--version']);
}

/** The reason a sox-backed test gives when it skips. */
export const NO_SOX = 'sox is not installed (apt-get install sox): this cross-check needs a second, independent implementation';
/** The reason a speech-backed test gives when it skips. */
export const NO_SPEECH = 'espeak-ng or sox is not installed: no synthesised speech to test talk-off against';
