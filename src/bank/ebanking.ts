import { hashesEqual, keyedHash } from '../crypto/index.ts';
import type { Clock, Sensitive } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import { loadOperation, signingSubject } from './customers.ts';
import type { BankNotifier } from './notifier.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { checkSecret, countWrongTry, markUsed, MAX_CODE_ATTEMPTS, revokeSecrets, secretContext } from './secrets.ts';

/** Wrong logins (password or temporary password) before the user is locked. */
export const MAX_FAILED_LOGINS = 5;
export const MIN_PASSWORD_LENGTH = 8;

export type LoginResult =
  | { ok: true; status: 'ok' | 'password_change_required' }
  | { ok: false; error: 'invalid_credentials' | 'user_locked' };

export type PasswordChangeResult =
  | { ok: true }
  | { ok: false; error: 'invalid_credentials' | 'user_locked' | 'password_too_short' | 'password_unchanged' };

export type CodeError = 'invalid_code' | 'expired' | 'already_used' | 'not_found' | 'not_blocked' | 'not_pending' | 'too_many_attempts';
export type CodeResult<S> = { ok: true; status: S } | { ok: false; error: CodeError };

export interface Ebanking {
  login(username: string, password: Sensitive<string>): Promise<LoginResult>;
  changePassword(username: string, password: Sensitive<string>, newPassword: Sensitive<string>): Promise<PasswordChangeResult>;
  unlockOperation(reference: string, code: Sensitive<string>): Promise<CodeResult<'unlocked'>>;
  signOperation(reference: string, code: Sensitive<string>): Promise<CodeResult<'signed'>>;
}

interface UserRow {
  customer_id: string;
  username: string;
  status: 'active' | 'locked' | 'password_change_required';
  password_hash: string | null;
  failed_logins: number;
  mobile: string | null;
  language: string;
}

type Authenticated = { ok: true; user: UserRow; viaTemporary: string | null } | { ok: false; error: 'invalid_credentials' | 'user_locked' };

/**
 * The reference bank's e-banking actions. A temporary password (set by the
 * line) logs in with "password_change_required" until it expires or is
 * changed. A locked user who gives a right credential gets `user_locked`
 * (HTTP 423); a wrong credential always gets `invalid_credentials` (401), and
 * MAX_FAILED_LOGINS of them lock the user.
 *
 * @example
 *   const eb = createEbanking({ db, clock, secretKey, notifier });
 *   await eb.login('mgarcia', new Sensitive('Kx7mPq2r')); // { ok: true, status: 'password_change_required' }
 */
export function createEbanking(deps: { db: Db; clock: Clock; secretKey: Buffer; notifier: BankNotifier }): Ebanking {
  const { db, clock, secretKey, notifier } = deps;
  const now = () => new Date(clock.now());

  async function authenticate(tx: Queryable, username: string, password: Sensitive<string>): Promise<Authenticated> {
    const [user] = await tx.query<UserRow>(
      `SELECT u.customer_id, u.username, u.status, u.password_hash, u.failed_logins, c.mobile, c.language
       FROM bank_users u JOIN bank_customers c ON c.id = u.customer_id
       WHERE u.service = 'ebanking' AND u.username = $1 FOR UPDATE OF u`,
      [username],
    );
    if (!user) {
      await verifyPassword(password, null); // same work as a known user
      return { ok: false, error: 'invalid_credentials' };
    }
    const temp = await checkSecret(tx, secretKey, {
      kind: 'ebanking_password',
      customerId: user.customer_id,
      context: secretContext('ebanking_password', user.customer_id),
      candidate: password,
      now: now(),
    });
    const viaTemporary = temp.result === 'match' ? temp.row.id : null;
    const right = viaTemporary !== null || (await verifyPassword(password, user.password_hash));
    if (!right) {
      const failed = user.failed_logins + 1;
      await tx.query(
        `UPDATE bank_users SET failed_logins = $2::int, status = CASE WHEN $2::int >= $3::int THEN 'locked' ELSE status END, updated_at = $4
         WHERE customer_id = $1 AND service = 'ebanking'`,
        [user.customer_id, failed, MAX_FAILED_LOGINS, now()],
      );
      return { ok: false, error: 'invalid_credentials' };
    }
    if (user.status === 'locked') return { ok: false, error: 'user_locked' };
    await tx.query("UPDATE bank_users SET failed_logins = 0 WHERE customer_id = $1 AND service = 'ebanking'", [user.customer_id]);
    return { ok: true, user, viaTemporary };
  }

  async function useCode<S extends 'unlocked' | 'signed'>(
    reference: string,
    code: Sensitive<string>,
    mode: { kind: 'operation_unlock' | 'signing_key'; from: 'blocked' | 'pending_signature'; to: S; wrongState: CodeError },
  ): Promise<CodeResult<S>> {
    // Wrong tries must be counted even though the answer is an error, so the
    // transaction commits in every case and the result carries the outcome.
    return db.transaction(async (tx) => {
      const op = await loadOperation(tx, reference, { forUpdate: true });
      if (!op) return { ok: false, error: 'not_found' } as const;
      const subject = mode.kind === 'signing_key' ? signingSubject(op) : op.reference;
      const check = await checkSecret(tx, secretKey, {
        kind: mode.kind,
        reference: op.reference,
        context: secretContext(mode.kind, subject),
        candidate: code,
        now: now(),
      });
      if (check.result === 'no_match') {
        if (op.status !== mode.from) return { ok: false, error: mode.wrongState } as const;
        if (check.live.length === 0 && (await hasDeadCode(tx, mode.kind, op.reference))) {
          return { ok: false, error: 'too_many_attempts' } as const;
        }
        await countWrongTry(tx, check.live);
        return { ok: false, error: 'invalid_code' } as const;
      }
      if (check.result !== 'match') return { ok: false, error: check.result } as const;
      if (op.status !== mode.from) return { ok: false, error: mode.wrongState } as const;
      await markUsed(tx, check.row.id, now());
      await tx.query('UPDATE bank_operations SET status = $2, updated_at = $3 WHERE reference = $1', [op.reference, mode.to, now()]);
      return { ok: true, status: mode.to } as const;
    });
  }

  return {
    async login(username, password) {
      return db.transaction(async (tx) => {
        const auth = await authenticate(tx, username, password);
        if (!auth.ok) return auth;
        const mustChange = auth.viaTemporary !== null || auth.user.status === 'password_change_required';
        return { ok: true, status: mustChange ? 'password_change_required' : 'ok' };
      });
    },

    async changePassword(username, password, newPassword) {
      const next = newPassword.reveal();
      return db.transaction(async (tx) => {
        const auth = await authenticate(tx, username, password);
        if (!auth.ok) return auth;
        if (next.length < MIN_PASSWORD_LENGTH) return { ok: false, error: 'password_too_short' };
        // Covers "must differ from the temporary password" and from the current one.
        if (hashesEqual(keyedHash(secretKey, newPassword, 'compare'), keyedHash(secretKey, password, 'compare'))) {
          return { ok: false, error: 'password_unchanged' };
        }
        const hash = await hashPassword(newPassword);
        const at = now();
        await tx.query(
          `UPDATE bank_users SET password_hash = $2, status = 'active', failed_logins = 0, updated_at = $3
           WHERE customer_id = $1 AND service = 'ebanking'`,
          [auth.user.customer_id, hash, at],
        );
        if (auth.viaTemporary) await markUsed(tx, auth.viaTemporary, at);
        await revokeSecrets(tx, { customerId: auth.user.customer_id, kind: 'ebanking_password', reference: null, now: at });
        // The confirmation is written in the same transaction as the change it announces.
        if (auth.user.mobile) {
          await notifier.enqueue(tx, [
            {
              channel: 'sms',
              to: auth.user.mobile,
              language: auth.user.language,
              template: 'password_changed',
              params: { username: auth.user.username },
              customerId: auth.user.customer_id,
            },
          ]);
        }
        return { ok: true };
      });
    },

    unlockOperation: (reference, code) =>
      useCode(reference, code, { kind: 'operation_unlock', from: 'blocked', to: 'unlocked', wrongState: 'not_blocked' }),

    signOperation: (reference, code) =>
      useCode(reference, code, { kind: 'signing_key', from: 'pending_signature', to: 'signed', wrongState: 'not_pending' }),
  };
}

async function hasDeadCode(tx: Queryable, kind: string, reference: string): Promise<boolean> {
  const rows = await tx.query(
    `SELECT 1 FROM bank_secrets WHERE kind = $1 AND reference = $2 AND revoked_at IS NULL AND used_at IS NULL
     AND failed_attempts >= $3`,
    [kind, reference, MAX_CODE_ATTEMPTS],
  );
  return rows.length > 0;
}
