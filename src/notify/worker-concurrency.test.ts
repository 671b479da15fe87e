import { describe, expect, it } from 'vitest';
import { migrate, type Db } from '../store/index.ts';
import { MOBILE, notifyFixture, openScratchSchema, passwordSms, TEST_DATABASE_URL, useTestDb } from './test-fixture.ts';
import type { DeliveryChannel, DeliveryMessage } from './types.ts';
import { createOutboxWorker } from './worker.ts';

const MESSAGES = 40;

/** A channel that takes a little real time, so the two workers' rounds overlap. */
function countingChannel(seen: DeliveryMessage[]): DeliveryChannel {
  return {
    provider: 'counting',
    async deliver(msg) {
      await new Promise((r) => setImmediate(r));
      seen.push(msg);
      return { providerId: `p-${seen.length}` };
    },
  };
}

/** Two workers (two processes when given two pools) drain one outbox; every message must go out exactly once. */
async function deliversEachOnce(dbA: Db, dbB: Db): Promise<void> {
  const f = notifyFixture(dbA);
  const ids: string[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    ids.push(...(await f.enqueue(passwordSms(f.clock, { to: `${MOBILE.slice(0, -2)}${String(i).padStart(2, '0')}` }))));
  }
  const seen: DeliveryMessage[] = [];
  const make = (db: Db) =>
    createOutboxWorker({ db, outbox: f.outbox, clock: f.clock, dataKey: f.dataKey, batch: 3, channels: { sms: countingChannel(seen), email: countingChannel(seen) } });
  const drain = async (worker: ReturnType<typeof make>) => {
    let total = 0;
    for (let n = await worker.runOnce(); n > 0; n = await worker.runOnce()) total += n;
    return total;
  };
  const [a, b] = await Promise.all([drain(make(dbA)), drain(make(dbB))]);
  expect(a + b).toBe(MESSAGES);
  expect(a).toBeGreaterThan(0);
  expect(b).toBeGreaterThan(0);
  expect(seen.map((m) => m.id).sort()).toEqual([...ids].sort());
  const rows = await dbA.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM notify_outbox GROUP BY status');
  expect(rows).toEqual([{ status: 'delivered', n: MESSAGES }]);
}

describe('two workers on one database', () => {
  const testDb = useTestDb();

  it(`deliver each message once (${TEST_DATABASE_URL ? 'one PostgreSQL pool' : 'PGlite'})`, async () => {
    await deliversEachOnce(testDb(), testDb());
  });

  it.skipIf(!TEST_DATABASE_URL)('deliver each message once (PostgreSQL; skipped unless CLAVE_TEST_DATABASE_URL names a database)', async () => {
    const scratch = await openScratchSchema(TEST_DATABASE_URL!, 2);
    const [a, b] = scratch.dbs as [Db, Db];
    try {
      await migrate(a);
      await deliversEachOnce(a, b);
    } finally {
      await scratch.dispose();
    }
  }, 60_000);
});
