import type { Db } from '../../src/store/index.ts';

/** Every row of every table of the store, as text: what a thief of the database would hold. */
export async function dumpStore(db: Db): Promise<string> {
  const tables = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const rows = await db.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`);
    parts.push(`== ${table_name}`, ...rows.map((r) => r.row));
  }
  return parts.join('\n');
}

/** Finds `secret` as a whole token (not inside a longer run of digits, letters or an id). */
export function containsToken(haystack: string, secret: string): boolean {
  const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![0-9A-Za-z-])${escaped}(?![0-9A-Za-z-])`).test(haystack);
}
