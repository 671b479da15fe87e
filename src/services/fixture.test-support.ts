// Test wiring shared by the services tests: one PGlite per file, the real
// outbox from notify, the in-memory fake bank and a simulated clock.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { open } from '../crypto/index.ts';
import { createOutbox, type NotifyOutbox } from '../notify/index.ts';
import { SimulatedClock } from '../shared/index.ts';
import { type Db, migrate, openPglite } from '../store/index.ts';
import { FakeBank } from './fake-bank.test-support.ts';
import { createServices, type Services, type ServicesConfig, type ServicesOutbox } from './index.ts';

/** One in-memory PGlite per test file (opening one takes seconds), emptied before each test. */
export function useTestDb(): () => Db {
  let db: Db | undefined;
  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
  }, 60_000);
  afterAll(async () => db?.close());
  beforeEach(async () => {
    await db?.query('DELETE FROM services_actions');
    await db?.query('DELETE FROM notify_outbox');
  });
  return () => {
    if (!db) throw new Error('test database not open yet');
    return db;
  };
}

export interface OutboxRow {
  id: string;
  channel: string;
  recipient: string;
  template: string;
  requested_language: string;
  status: string;
  secret_sealed: string | null;
  expires_at: Date | null;
  correlation_id: string | null;
  customer_id: string | null;
  body: string;
}

export interface ActionRow {
  id: string;
  kind: string;
  customer_id: string;
  call_id: string;
  reference: string | null;
  status: string;
  message_ids: string[];
  secret_sealed: string | null;
  attempts: number;
  last_error: string | null;
}

export function servicesFixture(db: Db, config: Partial<ServicesConfig> = {}) {
  const clock = new SimulatedClock(Date.parse('2026-01-01T09:00:00Z'));
  const dataKey = randomBytes(32);
  const bank = new FakeBank();
  const notifyOutbox: NotifyOutbox = createOutbox({ clock, dataKey });
  /** Channels the tests declare down. */
  const down = new Set<string>();
  const make = (outbox: ServicesOutbox = notifyOutbox): Services =>
    createServices({ db, bank: bank.port, outbox, clock, dataKey, config, delivery: { available: (channel) => !down.has(channel) } });
  return {
    db,
    clock,
    dataKey,
    bank,
    down,
    outbox: notifyOutbox,
    services: make(),
    make,
    outboxRows: () =>
      db.query<OutboxRow>(
        `SELECT id, channel, recipient, template, requested_language, status, secret_sealed, expires_at, correlation_id,
                customer_id, body
         FROM notify_outbox ORDER BY channel, created_at`,
      ),
    actionRows: () =>
      db.query<ActionRow>(
        `SELECT id, kind, customer_id, call_id, reference, status, message_ids, secret_sealed, attempts, last_error
         FROM services_actions ORDER BY created_at`,
      ),
    /** The secret an outbox message carries, as the worker would read it. */
    messageSecret: async (messageId: string) => {
      const [row] = await db.query<{ s: string | null }>('SELECT secret_sealed AS s FROM notify_outbox WHERE id = $1', [messageId]);
      return row?.s ? open(row.s, dataKey, messageId).reveal() : null;
    },
  };
}

export type ServicesFixture = ReturnType<typeof servicesFixture>;
