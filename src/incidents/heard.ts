import { keyedHash } from '../crypto/index.ts';
import { Sensitive } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';

/** A caller who heard the same announcement in full this recently hears the short version. */
export const REPEAT_WINDOW_MS = 30 * 60_000;

/**
 * Remembers what a caller heard, keyed by an HMAC-SHA256 of the number (the
 * number itself is never stored: a plain hash of a phone number falls to a
 * brute force of a few billion guesses; keyed, the key is needed too). One
 * row per caller, the latest full announcement only; tick() deletes rows
 * older than the repeat window. A short announcement does not refresh the
 * row, so a caller hears the full one again 30 minutes after the last full.
 *
 * One statement decides and records (no read-then-write race between two
 * calls from one number): the upsert writes only when the caller is new,
 * heard something else, or heard it too long ago; a row back means "full".
 *
 * @example
 *   await heardVersion(db, key, '+34600111222', signature, new Date()); // 'full', then 'short'
 */
export async function heardVersion(q: Queryable, key: Buffer, caller: string, signature: string, now: Date): Promise<'full' | 'short'> {
  const hash = keyedHash(key, new Sensitive(caller.replace(/[^0-9+]/g, '')), 'incidents:heard');
  const written = await q.query(
    `INSERT INTO incidents_heard (caller_hash, signature, heard_at) VALUES ($1, $2, $3)
     ON CONFLICT (caller_hash) DO UPDATE SET signature = EXCLUDED.signature, heard_at = EXCLUDED.heard_at
       WHERE incidents_heard.signature <> EXCLUDED.signature OR incidents_heard.heard_at <= $4
     RETURNING caller_hash`,
    [hash, signature, now, new Date(now.getTime() - REPEAT_WINDOW_MS)],
  );
  return written.length > 0 ? 'full' : 'short';
}

/** Forgets callers whose last announcement is older than the repeat window. */
export async function forgetHeard(q: Queryable, now: Date): Promise<void> {
  await q.query('DELETE FROM incidents_heard WHERE heard_at <= $1', [new Date(now.getTime() - REPEAT_WINDOW_MS)]);
}
