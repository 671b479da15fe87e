/**
 * The one database port. PGlite (embedded) and PostgreSQL implement it with
 * the same SQL: `$1` placeholders, PostgreSQL types, no driver extras.
 * Conventions that keep both drivers giving the same JavaScript values:
 * counts are cast to `int`, times are `timestamptz` (read as Date), documents
 * are `jsonb` (read as objects).
 */
export interface Queryable {
  query<T extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Idempotent. */
  close(): Promise<void>;
}
