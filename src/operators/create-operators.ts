import { hashesEqual } from '../crypto/index.ts';
import { ClaveError, type Clock, Sensitive } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { writeAudit } from './audit.ts';
import { OPERATOR_NAME, type OperatorEntry } from './operators-file.ts';
import { hashOperatorToken, newOperatorToken } from './token-hash.ts';

/** The admin token (CLAVE_ADMIN_TOKEN) authenticates under this name. */
export const ADMIN_OPERATOR = 'admin';

export interface OperatorsDeps {
  db: Db;
  clock: Clock;
  /** operatorTokenKey(keys.dataKey): tokens are stored and compared as HMACs under it. */
  key: Buffer;
  /** The admin token; it keeps working and authenticates as "admin". */
  adminToken?: string;
  /** Operators declared in CLAVE_OPERATORS_FILE: they authenticate, but add/remove do not touch them. */
  fileOperators?: readonly OperatorEntry[];
}

export interface OperatorInfo {
  name: string;
  source: 'store' | 'file';
  createdBy: string | null;
  createdAt: Date | null;
}

export interface Operators {
  /** A new operator and its token, which is shown now and never again (only its hash is kept). */
  add(name: string, options?: { by?: string }): Promise<{ name: string; token: Sensitive<string> }>;
  /** Removes an operator; its pending proposals are rejected with it. */
  remove(name: string, options?: { by?: string }): Promise<void>;
  list(): Promise<OperatorInfo[]>;
  /** The operator whose token this is, or null; the time taken does not depend on which token matched. */
  authenticate(token: string): Promise<string | null>;
}

/** Longer than any token we issue; a longer header is not worth hashing. */
const MAX_TOKEN_LENGTH = 512;

/**
 * Named operators, each with an own bearer token, kept in the store as a
 * keyed hash only.
 *
 * @example
 *   const operators = createOperators({ db, clock, key: operatorTokenKey(keys.dataKey), adminToken });
 *   const { token } = await operators.add('alice'); // print token.reveal() once
 *   await operators.authenticate(token.reveal());    // 'alice'
 */
export function createOperators(deps: OperatorsDeps): Operators {
  const fileOperators = deps.fileOperators ?? [];
  const fixed: { name: string; tokenHash: string }[] = [
    ...(deps.adminToken ? [{ name: ADMIN_OPERATOR, tokenHash: hashOperatorToken(deps.key, new Sensitive(deps.adminToken)) }] : []),
    ...fileOperators,
  ];
  const now = () => new Date(deps.clock.now());

  function checkName(name: string): void {
    if (!OPERATOR_NAME.test(name)) {
      throw new ClaveError('INVALID_ARGUMENT', 'an operator name is 1 to 63 lower-case letters, digits, ".", "-" or "_"', { field: 'name' });
    }
  }

  return {
    async add(name, options = {}) {
      checkName(name);
      if (name === ADMIN_OPERATOR || fileOperators.some((e) => e.name === name)) {
        throw new ClaveError('OPERATOR_EXISTS', `operator "${name}" already exists`, { name });
      }
      const token = newOperatorToken();
      const by = options.by ?? 'cli';
      await deps.db.transaction(async (tx) => {
        const rows = await tx.query(
          `INSERT INTO operators_operator (name, token_hash, created_by, created_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (name) DO NOTHING RETURNING name`,
          [name, hashOperatorToken(deps.key, token), by, now()],
        );
        if (rows.length === 0) throw new ClaveError('OPERATOR_EXISTS', `operator "${name}" already exists`, { name });
        await writeAudit(tx, { at: now(), actor: by, action: 'operator_added', subject: name, detail: {} });
      });
      return { name, token };
    },

    async remove(name, options = {}) {
      if (name === ADMIN_OPERATOR || fileOperators.some((e) => e.name === name)) {
        throw new ClaveError('INVALID_ARGUMENT', `operator "${name}" is not in the store (the admin token, or CLAVE_OPERATORS_FILE): remove it there`, {
          field: 'name',
        });
      }
      const by = options.by ?? 'cli';
      await deps.db.transaction(async (tx) => {
        // The mode row first, as every transaction touching security changes takes it (one lock order).
        await tx.query('SELECT version FROM operators_security_mode WHERE id = 1 FOR UPDATE');
        const rows = await tx.query('DELETE FROM operators_operator WHERE name = $1 RETURNING name', [name]);
        if (rows.length === 0) throw new ClaveError('OPERATOR_NOT_FOUND', `no operator "${name}"`, { name });
        // A proposal is one operator's word: it does not outlive the operator.
        const rejected = await tx.query<{ id: string }>(
          `UPDATE operators_security_change SET status = 'rejected', settled_by = $2, settled_at = $3
            WHERE proposed_by = $1 AND status = 'pending' RETURNING id`,
          [name, by, now()],
        );
        await writeAudit(tx, { at: now(), actor: by, action: 'operator_removed', subject: name, detail: { rejectedChanges: rejected.map((r) => r.id) } });
      });
    },

    async list() {
      const rows = await deps.db.query<{ name: string; created_by: string; created_at: Date }>(
        'SELECT name, created_by, created_at FROM operators_operator ORDER BY name',
      );
      return [
        ...fileOperators.map((e): OperatorInfo => ({ name: e.name, source: 'file', createdBy: null, createdAt: null })),
        ...rows.map((r): OperatorInfo => ({ name: r.name, source: 'store', createdBy: r.created_by, createdAt: r.created_at })),
      ].sort((a, b) => a.name.localeCompare(b.name));
    },

    async authenticate(token) {
      if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
      const hash = hashOperatorToken(deps.key, new Sensitive(token));
      // Read on every request: an operator removed by `clave operator remove` in another process is out at once.
      const rows = await deps.db.query<{ name: string; token_hash: string }>('SELECT name, token_hash FROM operators_operator');
      let found: string | null = null;
      // Every candidate is compared in constant time, with no early exit.
      for (const c of [...fixed, ...rows.map((r) => ({ name: r.name, tokenHash: r.token_hash }))]) {
        const equal = hashesEqual(hash, c.tokenHash);
        if (equal && found === null) found = c.name;
      }
      return found;
    },
  };
}
