/**
 * Benchmarks: `npm run bench`. Prints the machine, then
 *  1. the flow interpreter alone (pure steps per second for a whole call);
 *  2. whole calls through a running line (softphone over loopback WebSocket,
 *     in-memory PGlite, reference bank): calls per second and call times at
 *     a given concurrency.
 * Figures are for comparing runs on the same machine, not targets asserted.
 */
import { performance } from 'node:perf_hooks';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScriptedCall } from '../src/channel/index.ts';
import { loadConfig } from '../src/config/index.ts';
import { loadFlows } from '../src/flow/index.ts';
import { FlowDriver } from '../src/flow/testing.ts';
import { createLogger } from '../src/log/index.ts';
import { startClave } from '../src/main.ts';
import { machineLine, numberArg, percentile } from './machine.ts';

const CALLS = numberArg('calls', 200);
const CONCURRENCY = numberArg('concurrency', 20);
const pct = percentile;

async function interpreter(): Promise<void> {
  const bundle = await loadFlows();
  const runs = 20_000;
  const start = performance.now();
  let steps = 0;
  for (let i = 0; i < runs; i++) {
    const d = new FlowDriver(bundle, { flowId: 'unlock-line', callerId: '+34600111222', dialed: '950183313' }, {
      identify: (e) => ({ type: 'identified', requestId: e.requestId, result: 'identified', customerId: 'CUS-0001' }),
      verify: (e) => ({ type: 'verified', requestId: e.requestId, result: 'verified' }),
      service: (e) => ({ type: 'serviceDone', requestId: e.requestId, result: { outcome: 'ebanking_user_recovered' } }),
    });
    d.keys('1 1 1 1 12345678 4821 2580');
    steps += d.effects.length;
    if (!d.ended) throw new Error('call did not end');
  }
  const ms = performance.now() - start;
  console.log(`interpreter: ${runs} whole calls in ${ms.toFixed(0)} ms → ${((runs / ms) * 1000).toFixed(0)} calls/s, ${((steps / ms) * 1000).toFixed(0)} effects/s`);
}

async function line(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'clave-bench-'));
  const clave = await startClave({
    config: loadConfig({ CLAVE_HTTP_PORT: '0', CLAVE_DATA_DIR: dataDir, CLAVE_ADMIN_TOKEN: 'bench-token-0123456789abcdef', CLAVE_LOG_LEVEL: 'warn', CLAVE_SIP_PORT: 'off' }),
    logger: createLogger({ level: 'warn' }),
    inMemory: true,
  });
  try {
    for (const [name, keys] of [
      ['menu to agent (no bank work)', '1 1 1 3'],
      ['signing key read (identify, PIN check padded to 1.2 s, bank)', '2 3 2 1 12345678 55102938 4821 2580'],
    ] as const) {
      const durations: number[] = [];
      const outcomes = new Map<string, number>();
      let next = 0;
      const start = performance.now();
      const worker = async () => {
        while (next < CALLS) {
          next++;
          const t = performance.now();
          const r = await runScriptedCall({ server: clave.url, from: '+34600111222', to: '950183313', keys, timeoutMs: 60_000 });
          durations.push(performance.now() - t);
          outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const total = performance.now() - start;
      durations.sort((a, b) => a - b);
      console.log(
        `line, ${name}: ${CALLS} calls, ${CONCURRENCY} at a time, ${((CALLS / total) * 1000).toFixed(1)} calls/s; ` +
          `call time p50 ${pct(durations, 50).toFixed(0)} ms, p95 ${pct(durations, 95).toFixed(0)} ms, max ${(durations.at(-1) ?? 0).toFixed(0)} ms; ` +
          `outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`,
      );
    }
  } finally {
    await clave.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

console.log(machineLine());
await interpreter();
await line();
