import { computePvv } from '../crypto/index.ts';
import { ClaveError, Sensitive, type Clock } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import { customerSchema, datasetSchema, type DatasetCustomer } from './dataset-schema.ts';
import { synthesisePan } from './pan.ts';

export interface ImportDeps {
  pvk: Buffer;
  pvki: number;
  clock: Clock;
}

export interface ImportSummary {
  customers: number;
  cards: number;
  operations: number;
}

/**
 * Loads a `clave-bank/1` dataset (parsed JSON or its text) into the
 * reference bank. Everything is validated first; the first problems are
 * reported as ClaveError('INVALID_DATASET') naming the customer and the field
 * (`customer CUS-0003: cards[0].pin: must be 4 to 12 digits`), and nothing is
 * imported. The import runs in one transaction and never stores a PIN: each
 * card gets a synthetic PAN and its Visa PVV.
 *
 * @example
 *   await importDataset(db, JSON.parse(await readFile('datasets/demo-bank.json', 'utf8')), { pvk, pvki: 1, clock });
 */
export async function importDataset(db: Db, json: unknown, deps: ImportDeps): Promise<ImportSummary> {
  const customers = validateDataset(typeof json === 'string' ? parseJson(json) : json);
  return db.transaction(async (tx) => {
    await checkAgainstBank(tx, customers);
    const now = new Date(deps.clock.now());
    let cards = 0;
    let operations = 0;
    for (const c of customers) {
      await insertCustomer(tx, c, now);
      for (const card of c.cards) {
        const pan = synthesisePan(c.id, card.last4);
        const pvv = computePvv(pan, new Sensitive(card.pin), deps.pvki, deps.pvk);
        await tx.query(
          'INSERT INTO bank_cards (customer_id, last4, pan, pvki, pvv, kind, status) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [c.id, card.last4, pan, deps.pvki, pvv, card.kind, card.status],
        );
        cards++;
      }
      for (const [service, user] of [['ebanking', c.ebanking], ['phonebanking', c.phonebanking]] as const) {
        if (!user) continue;
        await tx.query(
          'INSERT INTO bank_users (customer_id, service, username, status, updated_at) VALUES ($1, $2, $3, $4, $5)',
          [c.id, service, user.username, user.status, now],
        );
      }
      for (const op of c.operations) {
        await tx.query(
          `INSERT INTO bank_operations (reference, customer_id, status, kind, amount, currency, payee, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [op.reference, c.id, op.status, op.kind, op.amount, op.currency, op.payee, now],
        );
        operations++;
      }
    }
    return { customers: customers.length, cards, operations };
  });
}

/**
 * Whether the reference bank holds no customer (a fresh install imports the demo).
 *
 * @example
 *   if (await isBankEmpty(db)) await importDataset(db, demo, deps);
 */
export async function isBankEmpty(db: Queryable): Promise<boolean> {
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bank_customers');
  return (rows[0]?.n ?? 0) === 0;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ClaveError('INVALID_DATASET', `dataset is not valid JSON: ${(err as Error).message}`);
  }
}

/** Validates the whole file, returning its customers, or throws naming every problem found (up to 20). */
export function validateDataset(json: unknown): DatasetCustomer[] {
  const top = datasetSchema.safeParse(json);
  if (!top.success) fail(top.error.issues.map((i) => `${formatPath(i.path) || 'dataset'}: ${i.message}`));
  const problems: string[] = [];
  const customers: DatasetCustomer[] = [];
  top.data.customers.forEach((raw, index) => {
    const label = labelOf(raw, index);
    const parsed = customerSchema.safeParse(raw);
    if (parsed.success) customers.push(parsed.data);
    else for (const i of parsed.error.issues) problems.push(`${label}: ${formatPath(i.path)}: ${i.message}`);
  });
  if (problems.length === 0) problems.push(...crossCustomerProblems(customers));
  if (problems.length > 0) fail(problems);
  return customers;
}

function crossCustomerProblems(customers: DatasetCustomer[]): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  const claim = (c: DatasetCustomer, key: string, path: string, what: string) => {
    const owner = owners.get(key);
    if (owner !== undefined) problems.push(`customer ${c.id}: ${path}: ${what} already used by customer ${owner}`);
    else owners.set(key, c.id);
  };
  for (const c of customers) {
    claim(c, `id:${c.id}`, 'id', 'id');
    claim(c, `doc:${c.document.number}`, 'document.number', 'document');
    if (c.ebanking) claim(c, `eb:${c.ebanking.username}`, 'ebanking.username', 'e-banking user name');
    if (c.phonebanking) claim(c, `pb:${c.phonebanking.username}`, 'phonebanking.username', 'phone-banking user name');
    c.operations.forEach((op, i) => claim(c, `op:${op.reference}`, `operations[${i}].reference`, 'operation reference'));
  }
  return problems;
}

async function checkAgainstBank(tx: Queryable, customers: DatasetCustomer[]): Promise<void> {
  const problems: string[] = [];
  for (const c of customers) {
    const [row] = await tx.query<{ ids: number; docs: number }>(
      `SELECT (SELECT count(*)::int FROM bank_customers WHERE id = $1) AS ids,
              (SELECT count(*)::int FROM bank_customers WHERE document_number = $2) AS docs`,
      [c.id, c.document.number],
    );
    if (row?.ids) problems.push(`customer ${c.id}: id: already in the bank`);
    if (row?.docs) problems.push(`customer ${c.id}: document.number: already in the bank`);
    for (const [service, user] of [['ebanking', c.ebanking], ['phonebanking', c.phonebanking]] as const) {
      if (!user) continue;
      const taken = await tx.query('SELECT 1 FROM bank_users WHERE service = $1 AND username = $2', [service, user.username]);
      if (taken.length > 0) problems.push(`customer ${c.id}: ${service}.username: already in the bank`);
    }
    for (const [i, op] of c.operations.entries()) {
      const taken = await tx.query('SELECT 1 FROM bank_operations WHERE reference = $1', [op.reference]);
      if (taken.length > 0) problems.push(`customer ${c.id}: operations[${i}].reference: already in the bank`);
    }
  }
  if (problems.length > 0) fail(problems);
}

async function insertCustomer(tx: Queryable, c: DatasetCustomer, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO bank_customers (id, name, document_type, document_number, phones, mobile, mobile_sim_changed_at,
       email, language, signature_status, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      c.id,
      c.name,
      c.document.type,
      c.document.number,
      JSON.stringify(c.phones),
      c.mobile,
      c.mobileSimChangedAt === null ? null : new Date(c.mobileSimChangedAt),
      c.email,
      c.language,
      c.signature.status,
      now,
    ],
  );
}

function labelOf(raw: unknown, index: number): string {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.length > 0 ? `customer ${id}` : `customers[${index}]`;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out;
}

function fail(problems: string[]): never {
  const shown = problems.slice(0, 20);
  const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
  throw new ClaveError('INVALID_DATASET', shown.join('; ') + more, { problems: shown });
}
