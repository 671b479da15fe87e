import type { Queryable } from '../store/index.ts';
import type { AuditAction, AuditEntry } from './types.ts';

interface AuditRow {
  at: Date;
  actor: string;
  action: AuditAction;
  subject: string;
  detail: Record<string, unknown>;
}

/**
 * Appends one line to the operators' audit trail, inside the caller's
 * transaction when given one, so a change and its audit line commit together.
 *
 * @example
 *   await writeAudit(tx, { at: new Date(clock.now()), actor: 'alice', action: 'mode_proposed', subject: id, detail: { mode } });
 */
export async function writeAudit(q: Queryable, entry: AuditEntry): Promise<void> {
  await q.query('INSERT INTO operators_audit (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)', [
    entry.at,
    entry.actor,
    entry.action,
    entry.subject,
    JSON.stringify(entry.detail),
  ]);
}

/**
 * The newest audit lines first, optionally only actions starting with `prefix` ("mode_").
 *
 * @example
 *   await readAudit(db, { prefix: 'mode_', limit: 50 });
 */
export async function readAudit(q: Queryable, options: { prefix?: string; limit?: number } = {}): Promise<AuditEntry[]> {
  const rows = await q.query<AuditRow>(
    `SELECT at, actor, action, subject, detail FROM operators_audit
      WHERE ($1::text IS NULL OR starts_with(action, $1::text))
      ORDER BY seq DESC LIMIT $2`,
    [options.prefix ?? null, options.limit ?? 100],
  );
  return rows.map((r) => ({ at: r.at, actor: r.actor, action: r.action, subject: r.subject, detail: r.detail }));
}
