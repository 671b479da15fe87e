import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { ClaveError } from '../shared/index.ts';

/** Operator names: lower case, digits, dot, dash, underscore; typed in commands and shown in the audit. */
export const OPERATOR_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** An operator declared in CLAVE_OPERATORS_FILE. */
export interface OperatorEntry {
  name: string;
  /** hashOperatorToken(key, token): 64 lowercase hex digits. */
  tokenHash: string;
}

const Entries = z.array(
  z.strictObject({
    name: z.string().regex(OPERATOR_NAME, 'lower-case letters, digits, ".", "-" or "_"'),
    tokenHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (clave operator add NAME --print-only)'),
  }),
);

/**
 * Reads the operators a deployment declares in a file rather than with
 * `clave operator add` (configuration management, a mounted secret):
 *
 *   - name: alice
 *     tokenHash: 9c0e…   # 64 hex: HMAC-SHA256 under the operator key, see token-hash.ts
 *
 * `clave operator add NAME --print-only` makes a token and prints its entry.
 *
 * @example
 *   const entries = await loadOperatorsFile('/etc/clave/operators.yaml');
 */
export async function loadOperatorsFile(path: string): Promise<OperatorEntry[]> {
  return parseOperatorsFile(await readFile(path, 'utf8'), path);
}

/** @example parseOperatorsFile('- name: alice\n  tokenHash: 9c0e…\n'); */
export function parseOperatorsFile(text: string, source = 'CLAVE_OPERATORS_FILE'): OperatorEntry[] {
  let doc: unknown;
  try {
    // Every value here is a string: the failsafe schema keeps a hash of digits only (or "1e…") from turning into a number.
    doc = parse(text, { schema: 'failsafe' });
  } catch (err) {
    throw new ClaveError('INVALID_CONFIG', `${source}: not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  const parsed = Entries.safeParse(doc ?? []);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ClaveError('INVALID_CONFIG', `${source}: ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}`);
  }
  const seen = new Set<string>();
  for (const e of parsed.data) {
    if (e.name === 'admin') throw new ClaveError('INVALID_CONFIG', `${source}: "admin" is the admin token's name`);
    if (seen.has(e.name)) throw new ClaveError('INVALID_CONFIG', `${source}: operator "${e.name}" is declared twice`);
    seen.add(e.name);
  }
  return parsed.data;
}
