import { randomBytes, randomUUID } from 'node:crypto';
import { Sensitive, SimulatedClock } from '../shared/index.ts';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { migrate, openPglite, openPostgres, type Db } from '../store/index.ts';
import { DevMailbox } from './dev-mailbox.ts';
import { createOutbox } from './outbox.ts';
import type { OutboxMessageInput } from './types.ts';
import { createOutboxWorker, type OutboxWorkerOptions } from './worker.ts';

/** Set to a PostgreSQL URL to run the store-backed notify tests there instead of on PGlite. */
export const TEST_DATABASE_URL = process.env.CLAVE_TEST_DATABASE_URL;

/**
 * One database per test file (opening a PGlite takes seconds on a busy
 * machine), emptied before each test: in-memory PGlite, or a fresh schema on
 * PostgreSQL when CLAVE_TEST_DATABASE_URL is set.
 */
export function useTestDb(): () => Db {
  let db: Db | undefined;
  let dispose = async () => {};
  beforeAll(async () => {
    if (TEST_DATABASE_URL) {
      const scratch = await openScratchSchema(TEST_DATABASE_URL, 1);
      db = scratch.dbs[0];
      dispose = scratch.dispose;
    } else {
      db = await openPglite();
      dispose = () => db?.close() ?? Promise.resolve();
    }
    await migrate(db!);
  }, 60_000);
  afterAll(() => dispose());
  beforeEach(async () => {
    await db?.query('DELETE FROM notify_outbox');
    await db?.query('DELETE FROM notify_receipts');
  });
  return () => {
    if (!db) throw new Error('test database not open yet');
    return db;
  };
}

/**
 * `count` pools (standing for as many processes) on a new, empty schema of
 * the PostgreSQL at `url`; dispose() closes them and drops the schema.
 */
export async function openScratchSchema(url: string, count: number): Promise<{ dbs: Db[]; dispose: () => Promise<void> }> {
  const schema = `notify_test_${randomUUID().replaceAll('-', '')}`;
  const admin = openPostgres(url);
  await admin.query(`CREATE SCHEMA ${schema}`);
  const inSchema = new URL(url);
  inSchema.searchParams.set('options', `-c search_path=${schema}`);
  const dbs = Array.from({ length: count }, () => openPostgres(inSchema.toString()));
  return {
    dbs,
    async dispose() {
      for (const db of dbs) await db.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.close();
    },
  };
}

/** Test wiring shared by the notify tests: simulated clock, fresh data key, dev mailbox. */
export function notifyFixture(store: Db) {
  const clock = new SimulatedClock();
  const dataKey = randomBytes(32);
  const outbox = createOutbox({ clock, dataKey });
  const mailbox = new DevMailbox({ clock });
  const workerWith = (options: Partial<OutboxWorkerOptions> = {}) =>
    createOutboxWorker({ db: store, outbox, clock, dataKey, channels: { sms: mailbox, email: mailbox }, random: () => 1, ...options });
  const enqueue = (...messages: OutboxMessageInput[]) => store.transaction((tx) => outbox.enqueue(tx, messages));
  const secretColumn = async (id: string) =>
    (await store.query<{ s: string | null }>('SELECT secret_sealed AS s FROM notify_outbox WHERE id = $1', [id]))[0]?.s;
  return { db: store, clock, dataKey, outbox, mailbox, workerWith, enqueue, secretColumn };
}

export const MOBILE = '+34600111222';
export const EMAIL = 'ana@example.test';

/** A temporary-password SMS expiring in an hour. */
export function passwordSms(clock: { now(): number }, over: Partial<OutboxMessageInput> = {}): OutboxMessageInput {
  return {
    channel: 'sms',
    to: MOBILE,
    language: 'es',
    template: 'ebanking_temporary_password',
    params: { validMinutes: '60' },
    secret: new Sensitive('Qx7-mK2p'),
    expiresAt: new Date(clock.now() + 3_600_000),
    ...over,
  };
}
