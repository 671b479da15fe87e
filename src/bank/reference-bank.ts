import type { FastifyPluginAsync } from 'fastify';
import { keyedHash, randomDigits } from '../crypto/index.ts';
import { ClaveError, Sensitive, type Clock } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import { loadCustomer, loadOperation, signingSubject, toPortCustomer } from './customers.ts';
import { createEbanking, type Ebanking } from './ebanking.ts';
import { ebankingRoutes } from './ebanking-routes.ts';
import { onceByKey } from './idempotency.ts';
import type { BankNotifier } from './notifier.ts';
import { verifyPin } from './pin-verifier.ts';
import type { BankCallOptions, BankPort, CredentialReset, OperationCode } from './port.ts';
import { secretContext, storeSecret, type SecretKind } from './secrets.ts';

export interface ReferenceBankKeys {
  /** Zone PIN key shared with the line (16 bytes). */
  zpk: Buffer;
  /** PIN verification key (16 bytes). */
  pvk: Buffer;
  pvki: number;
  /** HMAC key for temporary passwords, codes and signing keys (32 bytes). */
  secretKey: Buffer;
}

export interface ReferenceBankDeps {
  db: Db;
  clock: Clock;
  keys: ReferenceBankKeys;
  notifier: BankNotifier;
}

export type ReferenceBank = BankPort & {
  /** The bank's own e-banking side (login, password change, unlock, sign), as a Fastify plugin. */
  readonly routes: FastifyPluginAsync;
  /** The same e-banking actions without HTTP. */
  readonly ebanking: Ebanking;
};

const SIGNING_KEY_DIGITS = 8;

/**
 * The embedded reference bank: the BankPort on Clave's own store, with an
 * HSM emulation for PIN blocks and an e-banking side to finish what the line
 * starts (change the temporary password, type the unlock code, sign).
 *
 * @example
 *   const bank = createReferenceBank({ db, clock, keys: { zpk, pvk, pvki: 1, secretKey }, notifier: outbox });
 *   await bank.verifyPinBlock({ customerId: 'CUS-0001', cardLast4: '4821', pinBlock });
 *   await app.register(bank.routes);
 */
export function createReferenceBank(deps: ReferenceBankDeps): ReferenceBank {
  const { db, clock, keys } = deps;
  const now = () => new Date(clock.now());
  const requestHash = (operation: string, parts: unknown[], secret?: Sensitive<string>) =>
    keyedHash(keys.secretKey, secret ?? new Sensitive(''), `idempotency:${operation}:${JSON.stringify(parts)}`);

  async function resetUser(service: 'ebanking' | 'phonebanking', kind: SecretKind, req: CredentialReset) {
    const operation = service === 'ebanking' ? 'resetEbankingUser' : 'resetPhonebankingUser';
    return db.transaction((tx) =>
      onceByKey(
        tx,
        { operation, key: req.idempotencyKey, requestHash: requestHash(operation, [req.customerId], req.secret), now: now() },
        async () => {
          const [user] = await tx.query<{ username: string }>(
            'SELECT username FROM bank_users WHERE customer_id = $1 AND service = $2 FOR UPDATE',
            [req.customerId, service],
          );
          if (!user) throw await missingUser(tx, req.customerId, service);
          await storeSecret(tx, keys.secretKey, {
            customerId: req.customerId,
            kind,
            reference: null,
            context: secretContext(kind, req.customerId),
            secret: req.secret,
            expiresAt: req.expiresAt,
            idempotencyKey: req.idempotencyKey,
            now: now(),
          });
          // The temporary credential replaces the old one: unlocked, and it must be changed at next login.
          await tx.query(
            `UPDATE bank_users SET status = 'password_change_required', password_hash = NULL, failed_logins = 0, updated_at = $3
             WHERE customer_id = $1 AND service = $2`,
            [req.customerId, service, now()],
          );
          return { username: user.username };
        },
      ),
    );
  }

  async function setCode(req: OperationCode): Promise<void> {
    await db.transaction((tx) =>
      onceByKey(
        tx,
        {
          operation: 'setOperationUnlockCode',
          key: req.idempotencyKey,
          requestHash: requestHash('setOperationUnlockCode', [req.customerId, req.reference], req.code),
          now: now(),
        },
        async () => {
          const op = await loadOperation(tx, req.reference, { customerId: req.customerId, forUpdate: true });
          if (!op) throw new ClaveError('OPERATION_NOT_FOUND', 'no such operation for this customer', { reference: req.reference });
          if (op.status !== 'blocked') {
            throw new ClaveError('OPERATION_NOT_ELIGIBLE', `operation is ${op.status}, not blocked`, { reference: op.reference, status: op.status });
          }
          await storeSecret(tx, keys.secretKey, {
            customerId: req.customerId,
            kind: 'operation_unlock',
            reference: req.reference,
            context: secretContext('operation_unlock', req.reference),
            secret: req.code,
            expiresAt: req.expiresAt,
            idempotencyKey: req.idempotencyKey,
            now: now(),
          });
        },
      ),
    );
  }

  const ebanking = createEbanking({ db, clock, secretKey: keys.secretKey, notifier: deps.notifier });

  return {
    async findCustomerByDocument(doc, opts) {
      guard(opts);
      const [row] = await db.query<{ id: string }>(
        'SELECT id FROM bank_customers WHERE document_type = $1 AND document_number = $2',
        [doc.type, doc.number.toUpperCase().replace(/[\s-]/g, '')],
      );
      const c = row ? await loadCustomer(db, row.id) : null;
      return c ? toPortCustomer(c) : null;
    },

    async getCustomer(customerId, opts) {
      guard(opts);
      const c = await loadCustomer(db, customerId);
      return c ? toPortCustomer(c) : null;
    },

    async verifyPinBlock(req, opts) {
      guard(opts);
      return verifyPin(db, { zpk: keys.zpk, pvk: keys.pvk, pvki: keys.pvki }, req);
    },

    async checkSimSwap(req, opts) {
      guard(opts);
      const c = await loadCustomer(db, req.customerId);
      if (!c) throw new ClaveError('CUSTOMER_NOT_FOUND', 'no such customer', { customerId: req.customerId });
      // A number the bank holds no history for is treated as swapped: no secret goes to it.
      if (c.mobile !== req.mobile) return { swappedRecently: true, changedAt: null };
      const changed = c.mobileSimChangedAt;
      const recent = changed !== null && changed.getTime() >= clock.now() - req.withinHours * 3_600_000;
      return { swappedRecently: recent, changedAt: recent ? changed.toISOString() : null };
    },

    async resetEbankingUser(req, opts) {
      guard(opts);
      return resetUser('ebanking', 'ebanking_password', req);
    },

    async resetPhonebankingUser(req, opts) {
      guard(opts);
      return resetUser('phonebanking', 'phonebanking_code', req);
    },

    async unlockSignature(req, opts) {
      guard(opts);
      await db.transaction((tx) =>
        onceByKey(
          tx,
          { operation: 'unlockSignature', key: req.idempotencyKey, requestHash: requestHash('unlockSignature', [req.customerId]), now: now() },
          async () => {
            const rows = await tx.query("UPDATE bank_customers SET signature_status = 'active' WHERE id = $1 RETURNING id", [req.customerId]);
            if (rows.length === 0) throw new ClaveError('CUSTOMER_NOT_FOUND', 'no such customer', { customerId: req.customerId });
          },
        ),
      );
    },

    async findOperation(req, opts) {
      guard(opts);
      return loadOperation(db, req.reference, { customerId: req.customerId });
    },

    async setOperationUnlockCode(req, opts) {
      guard(opts);
      await setCode(req);
    },

    async issueSigningKey(req, opts) {
      guard(opts);
      if (!Number.isInteger(req.lifetimeMs) || req.lifetimeMs <= 0) throw new RangeError('lifetimeMs must be a positive integer');
      return db.transaction(async (tx) => {
        const op = await loadOperation(tx, req.reference, { customerId: req.customerId, forUpdate: true });
        if (!op) throw new ClaveError('OPERATION_NOT_FOUND', 'no such operation for this customer', { reference: req.reference });
        if (op.status !== 'pending_signature') {
          throw new ClaveError('OPERATION_NOT_ELIGIBLE', `operation is ${op.status}, not pending signature`, { reference: op.reference, status: op.status });
        }
        const at = now();
        // Unlike other calls, a repeat issues a fresh key: the earlier one's
        // answer may have been lost, and only its hash exists, so it is revoked.
        const hash = requestHash('issueSigningKey', [req.customerId, req.reference]);
        await onceByKey(tx, { operation: 'issueSigningKey', key: req.idempotencyKey, requestHash: hash, now: at }, () => Promise.resolve(null));
        const key = new Sensitive(randomDigits(SIGNING_KEY_DIGITS));
        const expiresAt = new Date(at.getTime() + req.lifetimeMs);
        await storeSecret(tx, keys.secretKey, {
          customerId: req.customerId,
          kind: 'signing_key',
          reference: op.reference,
          context: secretContext('signing_key', signingSubject(op)),
          secret: key,
          expiresAt,
          idempotencyKey: req.idempotencyKey,
          now: at,
        });
        return { key, expiresAt, operation: op };
      });
    },

    routes: ebankingRoutes(ebanking),
    ebanking,
  };
}

function guard(opts: BankCallOptions | undefined): void {
  if (opts?.signal?.aborted) throw new ClaveError('BANK_UNAVAILABLE', 'bank call aborted before it started');
}

async function missingUser(tx: Queryable, customerId: string, service: string): Promise<ClaveError> {
  const c = await tx.query('SELECT 1 FROM bank_customers WHERE id = $1', [customerId]);
  return c.length === 0
    ? new ClaveError('CUSTOMER_NOT_FOUND', 'no such customer', { customerId })
    : new ClaveError('USER_NOT_FOUND', `customer has no ${service} user`, { customerId, service });
}
