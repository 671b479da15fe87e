import type { Queryable } from '../store/index.ts';
import type { CardKind, CardStatus, Customer, DocumentType, Operation, OperationStatus, UserStatus } from './port.ts';

interface CustomerRow {
  id: string;
  name: string;
  document_type: DocumentType;
  document_number: string;
  phones: string[];
  mobile: string | null;
  mobile_sim_changed_at: Date | null;
  email: string | null;
  language: string;
  signature_status: 'active' | 'blocked';
}

export interface CustomerRecord extends Customer {
  mobileSimChangedAt: Date | null;
}

/** The customer as the port shows it, plus the SIM-change time, or null. */
export async function loadCustomer(q: Queryable, id: string): Promise<CustomerRecord | null> {
  const [row] = await q.query<CustomerRow>('SELECT * FROM bank_customers WHERE id = $1', [id]);
  if (!row) return null;
  const cards = await q.query<{ last4: string; kind: CardKind; status: CardStatus }>(
    'SELECT last4, kind, status FROM bank_cards WHERE customer_id = $1 ORDER BY last4',
    [id],
  );
  const users = await q.query<{ service: string; username: string; status: UserStatus }>(
    'SELECT service, username, status FROM bank_users WHERE customer_id = $1',
    [id],
  );
  const user = (service: string) => {
    const u = users.find((x) => x.service === service);
    return u ? { username: u.username, status: u.status } : null;
  };
  return {
    id: row.id,
    name: row.name,
    document: { type: row.document_type, number: row.document_number },
    phones: row.phones,
    mobile: row.mobile,
    email: row.email,
    language: row.language,
    cards: cards.map((c) => ({ last4: c.last4, kind: c.kind, status: c.status })),
    ebanking: user('ebanking'),
    phonebanking: user('phonebanking'),
    signature: { status: row.signature_status },
    mobileSimChangedAt: row.mobile_sim_changed_at,
  };
}

/** Strips the bank-internal fields. */
export function toPortCustomer(c: CustomerRecord): Customer {
  const { mobileSimChangedAt: _ignored, ...customer } = c;
  return customer;
}

interface OperationRow {
  reference: string;
  customer_id: string;
  status: OperationStatus;
  kind: string;
  amount: string;
  currency: string;
  payee: string;
}

export function toOperation(r: OperationRow): Operation {
  return {
    reference: r.reference,
    customerId: r.customer_id,
    status: r.status,
    kind: r.kind,
    amount: r.amount,
    currency: r.currency,
    payee: r.payee,
  };
}

/** An operation by reference (optionally only this customer's), locked when `forUpdate`. */
export async function loadOperation(
  q: Queryable,
  reference: string,
  opts: { customerId?: string; forUpdate?: boolean } = {},
): Promise<Operation | null> {
  const [row] = await q.query<OperationRow>(
    `SELECT reference, customer_id, status, kind, amount, currency, payee FROM bank_operations
     WHERE reference = $1 AND ($2::text IS NULL OR customer_id = $2)${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [reference, opts.customerId ?? null],
  );
  return row ? toOperation(row) : null;
}

/** The signing key's HMAC context subject: the operation and exactly what the caller heard. */
export function signingSubject(op: Operation): string {
  return JSON.stringify([op.reference, op.amount, op.currency, op.payee]);
}
