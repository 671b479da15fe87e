import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.ts';
import { SimulatedClock } from '../shared/index.ts';
import { DRIVERS, migrate, POSTGRES_SKIP_REASON, twoConnections, type Db } from '../store/index.ts';
import { createCallbacks } from './create-callbacks.ts';
import { request, T0 } from './fixture.test-support.ts';
import type { CallbackDialer, Callbacks } from './types.ts';

const REQUESTS = 50;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A dialer whose calls take a little real time, so that the two processes' ticks overlap; it notes whom it called. */
function recordingDialer(node: string, dialled: { node: string; requestId: string }[]): CallbackDialer {
  return {
    async deliver(req) {
      dialled.push({ node, requestId: req.requestId });
      await pause(1 + Math.floor(Math.random() * 3));
      return { kind: 'answered', callId: `${node}-${req.requestId}`, outcome: 'signing_key_read' };
    },
  };
}

/** Two processes race tick() over one queue until every request is done: each must be dialled exactly once. */
async function dialsEachOnce(dbA: Db, dbB: Db): Promise<void> {
  const clock = new SimulatedClock(T0);
  const logger = createLogger({ level: 'warn', destination: { write: () => {} } });
  const dialled: { node: string; requestId: string }[] = [];
  const make = (db: Db, nodeId: string) => createCallbacks({ db, clock, logger, nodeId, dialer: recordingDialer(nodeId, dialled), config: { firstAttemptDelayMs: 0 } });
  const [a, b] = [make(dbA, 'node-a'), make(dbB, 'node-b')];
  const ids: string[] = [];
  for (let i = 0; i < REQUESTS; i++) ids.push((await a.schedule(request({ customerId: `cust-${i % 7}`, reference: `op-${i}` }))).id);
  let finished = false;
  const drive = async (cb: Callbacks) => {
    for (let round = 0; !finished && round < 2_000; round++) {
      await cb.tick();
      await pause(Math.floor(Math.random() * 2));
    }
  };
  const watch = async () => {
    for (let round = 0; round < 4_000; round++) {
      const [row] = await dbA.query<{ n: number }>(`SELECT count(*)::int AS n FROM callback_requests WHERE status = 'done'`);
      if (row?.n === REQUESTS && a.inFlight === 0 && b.inFlight === 0) break;
      await pause(2);
    }
    finished = true;
  };
  try {
    await Promise.all([drive(a), drive(b), watch()]);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
  expect(dialled).toHaveLength(REQUESTS);
  expect(dialled.map((d) => d.requestId).sort()).toEqual([...ids].sort());
  expect(dialled.filter((d) => d.node === 'node-a').length).toBeGreaterThan(0);
  expect(dialled.filter((d) => d.node === 'node-b').length).toBeGreaterThan(0);
  const rows = await dbA.query<{ status: string; attempts: number; calls: number; n: number }>(
    `SELECT status, attempts, jsonb_array_length(call_ids)::int AS calls, count(*)::int AS n FROM callback_requests GROUP BY 1, 2, 3`,
  );
  expect(rows).toEqual([{ status: 'done', attempts: 1, calls: 1, n: REQUESTS }]);
}

// PGlite shares one handle between the two processes; PostgreSQL gives each a pool of its own.
describe('two processes on one queue', () => {
  for (const driver of DRIVERS) {
    it.skipIf(!driver.available)(`dial each request exactly once on ${driver.name}${driver.available ? '' : ` (skipped: ${POSTGRES_SKIP_REASON})`}`, async () => {
      const twin = await twoConnections(driver.name);
      try {
        await migrate(twin.a);
        await dialsEachOnce(twin.a, twin.b);
      } finally {
        await twin.done();
      }
    }, 60_000);
  }
});
