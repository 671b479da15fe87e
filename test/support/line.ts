import type { CallRecord } from '../../src/call/index.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScriptedCall, SoftphoneCall, type CallResult } from '../../src/channel/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/log/index.ts';
import { startClave, type Clave } from '../../src/main.ts';
import { systemClock, type Clock, type TimerHandle } from '../../src/shared/index.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/**
 * A clock that runs in real time but can jump ahead, for stories that need
 * "five minutes later" (a signing key expiring) without waiting for them.
 */
export class JumpClock implements Clock {
  offset = 0;
  now(): number {
    return systemClock.now() + this.offset;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return systemClock.setTimeout(fn, ms);
  }
  clearTimeout(handle: TimerHandle): void {
    systemClock.clearTimeout(handle);
  }
  jump(ms: number): void {
    this.offset += ms;
  }
}

export interface TestLine extends Clave {
  dataDir: string;
  logLines: string[];
  clock: Clock;
  call(from: string, to: string, keys: string): Promise<CallResult>;
  dial(from: string, to: string, onMessage?: Parameters<typeof SoftphoneCall.dial>[0]['onMessage']): SoftphoneCall;
  api<T = unknown>(path: string): Promise<T>;
  post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  mailbox(): Promise<{ id: string; channel: string; to: string; subject: string | null; text: string; at: string }[]>;
  /** Stops the line; removes its data dir unless `keepData`. */
  close(opts?: { keepData?: boolean }): Promise<void>;
}

export interface TestLineOptions {
  clock?: Clock;
  /** A clave-bank/1 dataset object; default: the shipped demo bank. */
  dataset?: unknown;
  /** Keep the store on disk under dataDir (restart tests). */
  persistent?: boolean;
  dataDir?: string;
  databaseUrl?: string;
  env?: Record<string, string>;
  /** Answer SIP on a free port (default off: most tests use the softphone). */
  sip?: boolean;
  /** Outbox worker poll interval on `clock` (default 50 ms; long for simulated clocks). */
  outboxPollMs?: number;
}

/** Starts a whole Clave on a free loopback port, as `npm start` would, with a captured log. */
export async function startTestLine(opts: TestLineOptions = {}): Promise<TestLine> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'clave-test-')));
  let datasetPath: string | undefined;
  if (opts.dataset !== undefined) {
    datasetPath = join(dataDir, 'dataset.json');
    await writeFile(datasetPath, JSON.stringify(opts.dataset));
  }
  const logLines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });
  const config = loadConfig({
    CLAVE_HOST: '127.0.0.1',
    CLAVE_HTTP_PORT: '0',
    CLAVE_DATA_DIR: dataDir,
    CLAVE_ADMIN_TOKEN: ADMIN_TOKEN,
    CLAVE_SHUTDOWN_GRACE_SECONDS: '1',
    CLAVE_SIP_PORT: opts.sip ? '0' : 'off',
    // Synthesized prompts are the same for every test line: synthesize them once.
    CLAVE_AUDIO_CACHE_DIR: join(tmpdir(), 'clave-test-audio'),
    ...(datasetPath ? { CLAVE_DATASET: datasetPath } : {}),
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...opts.env,
  });
  const clock = opts.clock ?? new JumpClock();
  const clave = await startClave({ config, clock, logger, inMemory: !opts.persistent && !opts.databaseUrl, outboxPollMs: opts.outboxPollMs ?? 50 });
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const line: TestLine = {
    ...clave,
    dataDir,
    logLines,
    clock,
    call: (from, to, keys) => runScriptedCall({ server: clave.url, from, to, keys, timeoutMs: 30_000 }),
    dial: (from, to, onMessage) => SoftphoneCall.dial({ server: clave.url, from, to, ...(onMessage ? { onMessage } : {}) }),
    async api<T>(path: string) {
      const res = await fetch(clave.url + path, { headers: auth });
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async post(path, body) {
      const res = await fetch(clave.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async mailbox() {
      // Delivery is asynchronous: give the outbox worker a moment.
      await clave.worker.runOnce();
      return line.api('/dev/mailbox');
    },
    async close(closeOpts = {}) {
      await clave.stop();
      if (!closeOpts.keepData && !opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return line;
}

/** Waits until `check` returns a value, polling; fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const prompts = (r: CallResult) => r.events.flatMap((e) => (e.type === 'prompt' ? [e.id] : []));

/** The record of the SIP call placed from `from`, once it has ended. */
export async function endedSipCall(line: Pick<TestLine, 'api'>, from: string, ms = 10_000): Promise<CallRecord> {
  return eventually(async () => {
    const calls = await line.api<CallRecord[]>(`/api/calls?from=${encodeURIComponent(from)}&state=ended`);
    return calls.find((c) => c.channel === 'sip');
  }, ms);
}
