import { randomUUID } from 'node:crypto';
import { hashesEqual, keyedHash } from '../crypto/index.ts';
import type { Sensitive } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';

export type SecretKind = 'ebanking_password' | 'phonebanking_code' | 'operation_unlock' | 'signing_key';

/** Wrong tries a code survives; the next wrong try kills it. */
export const MAX_CODE_ATTEMPTS = 5;

export interface SecretRow {
  id: string;
  customer_id: string;
  hash: string;
  expires_at: Date;
  used_at: Date | null;
  failed_attempts: number;
}

/**
 * The HMAC context binding a secret to its purpose: a code for one operation
 * never matches another, and a signing key also covers the amount and payee
 * it was read out with.
 */
export function secretContext(kind: SecretKind, subject: string): string {
  return `${kind}:${subject}`;
}

/** Revokes every live secret of this kind for this subject, then stores the new one (as an HMAC). */
export async function storeSecret(
  tx: Queryable,
  hmacKey: Buffer,
  s: {
    customerId: string;
    kind: SecretKind;
    reference: string | null;
    context: string;
    secret: Sensitive<string>;
    expiresAt: Date;
    idempotencyKey: string;
    now: Date;
  },
): Promise<void> {
  await revokeSecrets(tx, { customerId: s.customerId, kind: s.kind, reference: s.reference, now: s.now });
  await tx.query(
    `INSERT INTO bank_secrets (id, customer_id, kind, reference, hash, expires_at, idempotency_key, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [randomUUID(), s.customerId, s.kind, s.reference, keyedHash(hmacKey, s.secret, s.context), s.expiresAt, s.idempotencyKey, s.now],
  );
}

export async function revokeSecrets(
  tx: Queryable,
  s: { customerId: string; kind: SecretKind; reference: string | null; now: Date },
): Promise<void> {
  await tx.query(
    `UPDATE bank_secrets SET revoked_at = $4
     WHERE customer_id = $1 AND kind = $2 AND reference IS NOT DISTINCT FROM $3 AND used_at IS NULL AND revoked_at IS NULL`,
    [s.customerId, s.kind, s.reference, s.now],
  );
}

export type SecretCheck =
  | { result: 'match'; row: SecretRow }
  | { result: 'already_used' | 'expired' | 'too_many_attempts'; row: SecretRow }
  | { result: 'no_match'; live: SecretRow[] };

/**
 * Finds which unrevoked secret (if any) `candidate` is, under `context`.
 * Every row is compared, in constant time each, whatever the outcome.
 */
export async function checkSecret(
  tx: Queryable,
  hmacKey: Buffer,
  q: { kind: SecretKind; customerId?: string; reference?: string; context: string; candidate: Sensitive<string>; now: Date },
): Promise<SecretCheck> {
  const rows = await tx.query<SecretRow>(
    `SELECT id, customer_id, hash, expires_at, used_at, failed_attempts FROM bank_secrets
     WHERE kind = $1 AND revoked_at IS NULL
       AND ($2::text IS NULL OR customer_id = $2) AND ($3::text IS NULL OR reference = $3)
     ORDER BY created_at DESC FOR UPDATE`,
    [q.kind, q.customerId ?? null, q.reference ?? null],
  );
  const hash = keyedHash(hmacKey, q.candidate, q.context);
  let match: SecretRow | undefined;
  for (const row of rows) if (hashesEqual(row.hash, hash) && !match) match = row;
  if (!match) return { result: 'no_match', live: rows.filter((r) => isLive(r, q.now)) };
  if (match.used_at) return { result: 'already_used', row: match };
  if (match.failed_attempts >= MAX_CODE_ATTEMPTS) return { result: 'too_many_attempts', row: match };
  if (match.expires_at.getTime() <= q.now.getTime()) return { result: 'expired', row: match };
  return { result: 'match', row: match };
}

export function isLive(row: SecretRow, now: Date): boolean {
  return row.used_at === null && row.failed_attempts < MAX_CODE_ATTEMPTS && row.expires_at.getTime() > now.getTime();
}

export async function markUsed(tx: Queryable, id: string, now: Date): Promise<void> {
  await tx.query('UPDATE bank_secrets SET used_at = $2 WHERE id = $1', [id, now]);
}

/** Counts one wrong try against each live secret; returns whether any is now dead. */
export async function countWrongTry(tx: Queryable, live: SecretRow[]): Promise<boolean> {
  let died = false;
  for (const row of live) {
    await tx.query('UPDATE bank_secrets SET failed_attempts = failed_attempts + 1 WHERE id = $1', [row.id]);
    if (row.failed_attempts + 1 >= MAX_CODE_ATTEMPTS) died = true;
  }
  return died;
}
