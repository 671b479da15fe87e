import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_TOKEN, eventually } from './line.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = join(ROOT, 'node_modules/.bin/node');

export interface ClaveProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything the process wrote, stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves once the process logged that it is answering. */
  ready(ms?: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Starts `node src/main.ts` as `npm start` would, with the test admin token
 * and the shared prompt-audio cache; `env` adds or overrides variables.
 */
export function startClaveProcess(env: Record<string, string>): ClaveProcess {
  const child = spawn(NODE, ['src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      CLAVE_ADMIN_TOKEN: ADMIN_TOKEN,
      CLAVE_AUDIO_CACHE_DIR: join(tmpdir(), 'clave-test-audio'),
      CLAVE_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    ready: (ms = 60_000) => eventually(() => (out.includes('Clave is answering') ? true : undefined), ms).then(() => undefined),
    kill: (signal) => void child.kill(signal),
  };
}
