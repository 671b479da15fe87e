// Shared by the bank's tests only (never imported by production code).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encryptPinBlock } from '../crypto/index.ts';
import { Sensitive, SimulatedClock } from '../shared/index.ts';
import { migrate, openPglite, type Db, type Queryable } from '../store/index.ts';
import { importDataset } from './dataset.ts';
import type { BankMessage, BankNotifier } from './notifier.ts';
import { createReferenceBank, type ReferenceBank, type ReferenceBankKeys } from './reference-bank.ts';

export const DEMO_PATH = fileURLToPath(new URL('../../datasets/demo-bank.json', import.meta.url));
// shared/ sits beside the clone (CI and developers alike).
export const SHARED_FIXTURE = fileURLToPath(new URL('../../../shared/fixtures/demo-bank.json', import.meta.url));

export function readDemo(): { customers: Record<string, unknown>[] } & Record<string, unknown> {
  return JSON.parse(readFileSync(DEMO_PATH, 'utf8')) as { customers: Record<string, unknown>[] };
}

export function fixedKeys(): ReferenceBankKeys {
  return {
    zpk: Buffer.from('00112233445566778899aabbccddeeff', 'hex'),
    pvk: Buffer.from('0123456789abcdeffedcba9876543210', 'hex'),
    pvki: 1,
    secretKey: Buffer.alloc(32, 0x5a),
  };
}

/**
 * A notifier that writes into a table through the caller's transaction, so a
 * rollback takes the message with it, as Clave's outbox does.
 */
export class TableNotifier implements BankNotifier {
  failNext = false;

  async enqueue(tx: Queryable, messages: BankMessage[]): Promise<unknown> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('outbox unavailable');
    }
    for (const m of messages) await tx.query('INSERT INTO test_outbox (message) VALUES ($1)', [JSON.stringify(m)]);
    return messages.length;
  }

  async sent(db: Queryable): Promise<BankMessage[]> {
    const rows = await db.query<{ message: BankMessage }>('SELECT message FROM test_outbox ORDER BY id');
    return rows.map((r) => r.message);
  }
}

export interface BankFixture {
  db: Db;
  clock: SimulatedClock;
  keys: ReferenceBankKeys;
  notifier: TableNotifier;
  bank: ReferenceBank;
  pinBlock(pin: string): Buffer;
}

/** One in-memory database per test file: opening PGlite costs seconds. */
export async function openTestDb(): Promise<Db> {
  const db = await openPglite();
  await migrate(db);
  await db.query('CREATE TABLE test_outbox (id serial PRIMARY KEY, message jsonb NOT NULL)');
  return db;
}

export async function clearBank(db: Db): Promise<void> {
  await db.query('TRUNCATE bank_secrets, bank_idempotency, bank_operations, bank_users, bank_cards, bank_customers, test_outbox');
}

/** Empties the bank, imports `dataset`, and builds a bank with a fresh simulated clock. */
export async function bankFixture(db: Db, dataset: unknown = readDemo()): Promise<BankFixture> {
  await clearBank(db);
  const clock = new SimulatedClock(Date.parse('2026-03-02T10:00:00Z'));
  const keys = fixedKeys();
  await importDataset(db, dataset, { pvk: keys.pvk, pvki: keys.pvki, clock });
  const notifier = new TableNotifier();
  const bank = createReferenceBank({ db, clock, keys, notifier });
  return { db, clock, keys, notifier, bank, pinBlock: (pin) => encryptPinBlock(new Sensitive(pin), keys.zpk) };
}
