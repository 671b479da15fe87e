import type { Sensitive } from '../shared/index.ts';

/**
 * Everything Clave asks of a bank. The embedded reference bank implements it;
 * a deployment plugs in its own adapter (core banking API, HSM) behind the
 * same interface.
 *
 * Rules every implementation keeps:
 * - Unavailability (down, timeout, 5xx) throws ClaveError('BANK_UNAVAILABLE').
 *   "Not found" is a normal answer (null), never an exception.
 * - State-changing calls take an `idempotencyKey`: repeating a call with the
 *   same key after a lost answer has the effect once.
 * - Secrets travel wrapped in Sensitive and are stored, if at all, only as
 *   hashes or verification values.
 */
export interface BankPort {
  findCustomerByDocument(doc: IdentityDocument, opts?: BankCallOptions): Promise<Customer | null>;
  getCustomer(customerId: string, opts?: BankCallOptions): Promise<Customer | null>;

  /**
   * Verifies an ISO 9564 format-1 PIN block, TDES-encrypted under the zone PIN
   * key the line shares with the bank, against the card's PIN verification
   * value, as the bank's HSM would. An unknown, blocked or expired card answers
   * `false` after doing the same work as a wrong PIN.
   */
  verifyPinBlock(req: { customerId: string; cardLast4: string; pinBlock: Buffer }, opts?: BankCallOptions): Promise<boolean>;

  /** When the customer's mobile last changed SIM, if within `withinHours`. */
  checkSimSwap(req: { customerId: string; mobile: string; withinHours: number }, opts?: BankCallOptions): Promise<SimSwapAnswer>;

  /** Unlocks the e-banking user and sets a temporary password that must be changed at next login. */
  resetEbankingUser(req: CredentialReset, opts?: BankCallOptions): Promise<{ username: string }>;
  /** Unlocks the phone-banking user and sets a temporary access code. */
  resetPhonebankingUser(req: CredentialReset, opts?: BankCallOptions): Promise<{ username: string }>;
  /** Unlocks the operation-signing signature. */
  unlockSignature(req: { customerId: string; idempotencyKey: string }, opts?: BankCallOptions): Promise<void>;

  /** An operation of this customer, or null when the reference is unknown or belongs to someone else. */
  findOperation(req: { customerId: string; reference: string }, opts?: BankCallOptions): Promise<Operation | null>;
  /** Stores (hashed) the code that releases a blocked operation in e-banking. */
  setOperationUnlockCode(req: OperationCode, opts?: BankCallOptions): Promise<void>;
  /**
   * Issues a one-time key bound to the operation (its amount and payee),
   * valid `lifetimeMs`, single use. Repeating the call with the same
   * idempotency key revokes the earlier key and issues a new one, so a key
   * whose answer was lost can never be used.
   */
  issueSigningKey(
    req: { customerId: string; reference: string; lifetimeMs: number; idempotencyKey: string },
    opts?: BankCallOptions,
  ): Promise<{ key: Sensitive<string>; expiresAt: Date; operation: Operation }>;
}

export interface BankCallOptions {
  /** Aborts the call (deadline or hang-up); the adapter throws BANK_UNAVAILABLE. */
  signal?: AbortSignal;
}

export type DocumentType = 'DNI' | 'NIE' | 'CIF' | 'PASSPORT';

export interface IdentityDocument {
  type: DocumentType;
  /** Normalised: upper case, no spaces or dashes, control letter included (e.g. 12345678Z). */
  number: string;
}

export type CardKind = 'debit' | 'credit';
export type CardStatus = 'active' | 'blocked' | 'expired' | 'cancelled';
export type UserStatus = 'active' | 'locked' | 'password_change_required';

export interface Customer {
  id: string;
  name: string;
  document: IdentityDocument;
  /** Registered phones, E.164. */
  phones: string[];
  mobile: string | null;
  email: string | null;
  /** BCP 47 primary language the customer prefers, e.g. "es". */
  language: string;
  cards: { last4: string; kind: CardKind; status: CardStatus }[];
  ebanking: { username: string; status: UserStatus } | null;
  phonebanking: { username: string; status: UserStatus } | null;
  signature: { status: 'active' | 'blocked' };
}

export type OperationStatus = 'blocked' | 'pending_signature' | 'unlocked' | 'signed' | 'cancelled';

export interface Operation {
  reference: string;
  customerId: string;
  status: OperationStatus;
  kind: string;
  /** Decimal string, e.g. "1500.00". */
  amount: string;
  currency: string;
  payee: string;
}

export interface SimSwapAnswer {
  swappedRecently: boolean;
  /** ISO 8601, or null when unknown or long ago. */
  changedAt: string | null;
}

export interface CredentialReset {
  customerId: string;
  secret: Sensitive<string>;
  expiresAt: Date;
  idempotencyKey: string;
}

export interface OperationCode {
  customerId: string;
  reference: string;
  code: Sensitive<string>;
  expiresAt: Date;
  idempotencyKey: string;
}
