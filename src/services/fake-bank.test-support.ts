// A small in-memory BankPort for the services tests: customers, operations,
// idempotent state changes, and switches to make it refuse, be unavailable,
// lose its answer or hold a call in flight.
import type { BankPort, Customer, Operation } from '../bank/index.ts';
import { ClaveError, Sensitive } from '../shared/index.ts';

export const MARIA: Customer = {
  id: 'CUS-0001',
  name: 'María García López',
  document: { type: 'DNI', number: '12345678Z' },
  phones: ['+34600111222'],
  mobile: '+34600111222',
  email: 'maria.garcia@example.es',
  language: 'es',
  cards: [{ last4: '4821', kind: 'debit', status: 'active' }],
  ebanking: { username: 'mgarcia', status: 'locked' },
  phonebanking: { username: '12345678', status: 'active' },
  signature: { status: 'blocked' },
};

export const OPERATIONS: Operation[] = [
  { reference: '40718253', customerId: 'CUS-0001', status: 'blocked', kind: 'transfer', amount: '1500.00', currency: 'EUR', payee: 'ES91 2100 0418 4502 0005 1332' },
  { reference: '55102938', customerId: 'CUS-0001', status: 'pending_signature', kind: 'transfer', amount: '320.00', currency: 'EUR', payee: 'ES79 2100 0813 6101 2345 6789' },
  { reference: '70011223', customerId: 'CUS-0004', status: 'blocked', kind: 'card_payment', amount: '89.90', currency: 'EUR', payee: 'an online shop' },
];

/** A state-changing call as the bank received it. */
export interface ChangeCall {
  op: string;
  idempotencyKey: string;
  customerId: string;
  reference?: string;
  secret?: string;
  expiresAt?: Date;
  lifetimeMs?: number;
}

export type Mode =
  | 'ok'
  /** Throws BANK_UNAVAILABLE without doing anything. */
  | 'unavailable'
  /** Does the change, then throws BANK_UNAVAILABLE: the answer is lost. */
  | 'lose_answer'
  /** Refuses with this ClaveError code. */
  | { refuse: 'OPERATION_NOT_ELIGIBLE' | 'USER_NOT_FOUND' | 'IDEMPOTENCY_CONFLICT' };

export class FakeBank {
  customers: Customer[] = [structuredClone(MARIA)];
  operations: Operation[] = structuredClone(OPERATIONS);
  /** Customers whose mobile changed SIM recently. */
  simSwapped = new Set<string>();
  /** How the state-changing calls behave. */
  mode: Mode = 'ok';
  /** Every state-changing call received, repeats included. */
  calls: ChangeCall[] = [];
  /** Changes actually made, once per idempotency key. */
  effects: ChangeCall[] = [];
  simChecks: { customerId: string; mobile: string; withinHours: number }[] = [];
  #answers = new Map<string, unknown>();
  #gate: { reached: () => void; wait: Promise<void> } | null = null;

  /** The next state-changing calls wait until `open()`. */
  hold(): { reached: Promise<void>; open(): void } {
    let open!: () => void;
    let reached!: () => void;
    const wait = new Promise<void>((r) => (open = r));
    const reachedP = new Promise<void>((r) => (reached = r));
    this.#gate = { reached, wait };
    return {
      reached: reachedP,
      open: () => {
        this.#gate = null;
        open();
      },
    };
  }

  async #change<T>(call: ChangeCall, effect: () => T): Promise<T> {
    this.calls.push(call);
    if (this.#gate) {
      this.#gate.reached();
      await this.#gate.wait;
    }
    if (this.mode === 'unavailable') throw new ClaveError('BANK_UNAVAILABLE', 'bank down');
    if (typeof this.mode === 'object') throw new ClaveError(this.mode.refuse, 'refused');
    const earlier = this.effects.find((e) => e.op === call.op && e.idempotencyKey === call.idempotencyKey);
    let result: T;
    if (earlier) {
      // A repeat: the same request gets the first answer and changes nothing.
      if (earlier.secret !== call.secret) throw new ClaveError('IDEMPOTENCY_CONFLICT', 'different request');
      result = this.#answers.get(`${call.op}:${call.idempotencyKey}`) as T;
    } else {
      result = effect();
      this.effects.push(call);
      this.#answers.set(`${call.op}:${call.idempotencyKey}`, result);
    }
    if (this.mode === 'lose_answer') throw new ClaveError('BANK_UNAVAILABLE', 'answer lost');
    return result;
  }

  #customer(id: string): Customer {
    const c = this.customers.find((x) => x.id === id);
    if (!c) throw new ClaveError('CUSTOMER_NOT_FOUND', 'no such customer');
    return c;
  }

  readonly port: BankPort = {
    findCustomerByDocument: (doc) =>
      Promise.resolve(this.customers.find((c) => c.document.type === doc.type && c.document.number === doc.number) ?? null),
    getCustomer: (id) => {
      if (this.mode === 'unavailable') return Promise.reject(new ClaveError('BANK_UNAVAILABLE', 'bank down'));
      return Promise.resolve(structuredClone(this.customers.find((c) => c.id === id) ?? null));
    },
    verifyPinBlock: () => Promise.resolve(false),
    checkSimSwap: (req) => {
      this.simChecks.push(req);
      const swapped = this.simSwapped.has(req.customerId);
      return Promise.resolve({ swappedRecently: swapped, changedAt: swapped ? '2026-01-01T08:00:00.000Z' : null });
    },
    resetEbankingUser: (req) =>
      this.#change(
        { op: 'resetEbankingUser', idempotencyKey: req.idempotencyKey, customerId: req.customerId, secret: req.secret.reveal(), expiresAt: req.expiresAt },
        () => {
          const c = this.#customer(req.customerId);
          if (!c.ebanking) throw new ClaveError('USER_NOT_FOUND', 'no user');
          c.ebanking.status = 'password_change_required';
          return { username: c.ebanking.username };
        },
      ),
    resetPhonebankingUser: (req) =>
      this.#change(
        { op: 'resetPhonebankingUser', idempotencyKey: req.idempotencyKey, customerId: req.customerId, secret: req.secret.reveal(), expiresAt: req.expiresAt },
        () => {
          const c = this.#customer(req.customerId);
          if (!c.phonebanking) throw new ClaveError('USER_NOT_FOUND', 'no user');
          c.phonebanking.status = 'password_change_required';
          return { username: c.phonebanking.username };
        },
      ),
    unlockSignature: (req) =>
      this.#change({ op: 'unlockSignature', idempotencyKey: req.idempotencyKey, customerId: req.customerId }, () => {
        this.#customer(req.customerId).signature.status = 'active';
      }),
    findOperation: (req) =>
      Promise.resolve(structuredClone(this.operations.find((o) => o.reference === req.reference && o.customerId === req.customerId) ?? null)),
    setOperationUnlockCode: (req) =>
      this.#change(
        {
          op: 'setOperationUnlockCode',
          idempotencyKey: req.idempotencyKey,
          customerId: req.customerId,
          reference: req.reference,
          secret: req.code.reveal(),
          expiresAt: req.expiresAt,
        },
        () => undefined,
      ),
    issueSigningKey: (req) =>
      this.#change(
        { op: 'issueSigningKey', idempotencyKey: req.idempotencyKey, customerId: req.customerId, reference: req.reference, lifetimeMs: req.lifetimeMs },
        () => {
          const op = this.operations.find((o) => o.reference === req.reference && o.customerId === req.customerId);
          if (!op) throw new ClaveError('OPERATION_NOT_FOUND', 'no such operation');
          return { key: new Sensitive('83920174'), expiresAt: new Date(Date.parse('2026-01-01T09:05:00Z')), operation: structuredClone(op) };
        },
      ),
  };
}
