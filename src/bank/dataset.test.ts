import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isClaveError, SimulatedClock } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { importDataset, isBankEmpty } from './dataset.ts';
import { luhnValid, TEST_BIN } from './pan.ts';
import { createReferenceBank } from './reference-bank.ts';
import { clearBank, fixedKeys, openTestDb, readDemo, SHARED_FIXTURE, TableNotifier } from './test-support.ts';

let db: Db;
const clock = new SimulatedClock(Date.parse('2026-03-02T10:00:00Z'));
const keys = fixedKeys();
const deps = { pvk: keys.pvk, pvki: keys.pvki, clock };

beforeAll(async () => {
  db = await openTestDb();
});
beforeEach(async () => {
  await clearBank(db);
});
afterAll(async () => {
  await db.close();
});

type Json = Record<string, unknown>;
function demoWith(mutate: (customers: Json[]) => void): Json {
  const demo = readDemo();
  mutate(demo.customers);
  return demo;
}

async function rejection(json: unknown): Promise<string> {
  const err = await importDataset(db, json, deps).then(
    () => null,
    (e: unknown) => e,
  );
  expect(isClaveError(err, 'INVALID_DATASET')).toBe(true);
  expect(await isBankEmpty(db)).toBe(true);
  return (err as Error).message;
}

describe('dataset import', () => {
  it.skipIf(!existsSync(SHARED_FIXTURE))(
    `imports the shared fixture (skipped only when ${SHARED_FIXTURE} is absent)`,
    async () => {
      const summary = await importDataset(db, readFileSync(SHARED_FIXTURE, 'utf8'), deps);
      expect(summary).toEqual({ customers: 6, cards: 8, operations: 4 });
    },
  );

  it('imports the product demo and shows customers as the port describes them', async () => {
    expect(await isBankEmpty(db)).toBe(true);
    const summary = await importDataset(db, readDemo(), deps);
    expect(summary).toEqual({ customers: 6, cards: 8, operations: 4 });
    expect(await isBankEmpty(db)).toBe(false);
    const bank = createReferenceBank({ db, clock, keys, notifier: new TableNotifier() });
    const maria = await bank.findCustomerByDocument({ type: 'DNI', number: '12345678Z' });
    expect(maria).toEqual({
      id: 'CUS-0001',
      name: 'María García López',
      document: { type: 'DNI', number: '12345678Z' },
      phones: ['+34600111222', '+34950123456'],
      mobile: '+34600111222',
      email: 'maria.garcia@example.es',
      language: 'es',
      cards: [
        { last4: '4821', kind: 'debit', status: 'active' },
        { last4: '9034', kind: 'credit', status: 'active' },
      ],
      ebanking: { username: 'mgarcia', status: 'locked' },
      phonebanking: { username: '12345678', status: 'active' },
      signature: { status: 'blocked' },
    });
    expect(await bank.findOperation({ customerId: 'CUS-0001', reference: '40718253' })).toEqual({
      reference: '40718253',
      customerId: 'CUS-0001',
      status: 'blocked',
      kind: 'transfer',
      amount: '1500.00',
      currency: 'EUR',
      payee: 'ES91 2100 0418 4502 0005 1332',
    });
    expect(await bank.findOperation({ customerId: 'CUS-0002', reference: '40718253' })).toBeNull();
    expect((await bank.getCustomer('CUS-0003'))?.email).toBeNull();
  });

  it('stores Luhn-valid synthetic PANs ending in the last 4, and 4-digit PVVs', async () => {
    await importDataset(db, readDemo(), deps);
    const cards = await db.query<{ customer_id: string; last4: string; pan: string; pvv: string; pvki: number }>('SELECT * FROM bank_cards');
    expect(cards).toHaveLength(8);
    for (const c of cards) {
      expect(c.pan).toHaveLength(16);
      expect(c.pan.startsWith(TEST_BIN)).toBe(true);
      expect(c.pan.endsWith(c.last4)).toBe(true);
      expect(luhnValid(c.pan)).toBe(true);
      expect(c.pvv).toMatch(/^\d{4}$/);
      expect(c.pvki).toBe(1);
    }
  });

  it('keeps no demo PIN anywhere in the bank tables', async () => {
    const demo = readDemo();
    const pins = demo.customers.flatMap((c) => (c.cards as { pin: string }[]).map((card) => card.pin));
    expect(pins).toContain('2580');
    expect(JSON.stringify(demo)).toContain('"2580"'); // the input does hold them
    await importDataset(db, demo, deps);
    const tables = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'bank\\_%' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(['bank_cards', 'bank_customers', 'bank_idempotency', 'bank_operations', 'bank_secrets', 'bank_users']);
    let dump = '';
    for (const { table_name } of tables) dump += JSON.stringify(await db.query(`SELECT * FROM ${table_name}`));
    const numbers = new Set(dump.match(/\d+/g));
    for (const pin of pins) expect(numbers.has(pin), `PIN ${pin} found in the bank tables`).toBe(false);
    expect(dump).not.toMatch(/"pin"/);
  });

  it('refuses to import a customer already in the bank, importing nothing', async () => {
    await importDataset(db, readDemo(), deps);
    const err = await importDataset(db, readDemo(), deps).catch((e: unknown) => e);
    expect(isClaveError(err, 'INVALID_DATASET')).toBe(true);
    expect((err as Error).message).toContain('customer CUS-0001: id: already in the bank');
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bank_customers');
    expect(row?.n).toBe(6);
  });
});

describe('bad datasets: each rejection names customer and field, and the bank stays empty', () => {
  it.each<[string, (c: Json[]) => void, string]>([
    ['a 3-digit PIN', (c) => ((c[2]!.cards as Json[])[0]!.pin = '147'), 'customer CUS-0003: cards[0].pin: must be 4 to 12 digits'],
    ['a non-digit last4', (c) => ((c[0]!.cards as Json[])[1]!.last4 = '90a4'), 'customer CUS-0001: cards[1].last4: must be 4 digits'],
    ['a wrong DNI letter', (c) => ((c[0]!.document as Json).number = '12345678A'), 'customer CUS-0001: document.number: control letter should be Z'],
    ['a wrong NIE letter', (c) => ((c[1]!.document as Json).number = 'X1234567A'), 'customer CUS-0002: document.number: control letter should be L'],
    ['a wrong CIF control', (c) => ((c[5]!.document as Json).number = 'B04123452'), 'customer CUS-0006: document.number: control character does not match'],
    ['a phone without +', (c) => ((c[1]!.phones as string[])[0] = '611222333'), 'customer CUS-0002: phones[0]: must be an E.164 phone number'],
    ['a bad mobile', (c) => (c[3]!.mobile = '+34 633 444 555'), 'customer CUS-0004: mobile: must be an E.164 phone number'],
    ['two cards with one last4', (c) => ((c[3]!.cards as Json[])[1]!.last4 = '2468'), 'customer CUS-0004: cards[1].last4: another card of this customer ends in the same 4 digits'],
    ['a duplicate id', (c) => (c[4]!.id = 'CUS-0002'), 'customer CUS-0002: id: id already used by customer CUS-0002'],
    ['a duplicate document', (c) => (c[2]!.document = { type: 'DNI', number: '12345678Z' }), 'customer CUS-0003: document.number: document already used by customer CUS-0001'],
    ['a duplicate e-banking user', (c) => ((c[4]!.ebanking as Json).username = 'jsmith'), 'customer CUS-0005: ebanking.username: e-banking user name already used by customer CUS-0002'],
    ['a duplicate operation reference', (c) => ((c[3]!.operations as Json[])[0]!.reference = '55102938'), 'customer CUS-0004: operations[0].reference: operation reference already used by customer CUS-0001'],
    ['a bad amount', (c) => ((c[0]!.operations as Json[])[0]!.amount = '1500'), 'customer CUS-0001: operations[0].amount: must be a decimal with 2 decimals'],
    ['a bad SIM-change date', (c) => (c[0]!.mobileSimChangedAt = 'yesterday'), 'customer CUS-0001: mobileSimChangedAt: must be an ISO 8601 date-time or null'],
    ['an unknown field', (c) => ((c[0]!.cards as Json[])[0]!.cvv = '123'), 'customer CUS-0001: cards[0]'],
    ['a customer without id', (c) => delete c[1]!.id, 'customers[1]: id:'],
  ])('%s', async (_name, mutate, expected) => {
    expect(await rejection(demoWith(mutate))).toContain(expected);
  });

  it('a wrong format tag, and text that is not JSON', async () => {
    expect(await rejection({ ...readDemo(), format: 'clave-bank/2' })).toContain('format: must be "clave-bank/1"');
    expect(await rejection('{"format": ')).toContain('dataset is not valid JSON');
  });

  it('a bad PIN never appears in the message', async () => {
    const message = await rejection(demoWith((c) => ((c[0]!.cards as Json[])[0]!.pin = '25x0')));
    expect(message).toContain('customer CUS-0001: cards[0].pin: must be 4 to 12 digits');
    expect(message).not.toContain('25x0');
  });
});
