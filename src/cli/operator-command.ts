import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config/index.ts';
import {
  createOperators, hashOperatorToken, loadOperatorKey, loadOperatorsFile, newOperatorToken, OPERATOR_NAME, type OperatorEntry, type OperatorInfo,
} from '../operators/index.ts';
import { ClaveError, isClaveError, systemClock } from '../shared/index.ts';
import { openStore } from '../store/index.ts';
import type { Command } from './command.ts';
import type { CliIo } from './io.ts';

const USAGE = `usage: clave operator <command>

Named operators of the operations API, each with an own bearer token. Works
on the store directly: DATABASE_URL, or the embedded store in CLAVE_DATA_DIR
(stop the server first: the embedded store serves one process). The token
is hashed under the key in CLAVE_DATA_DIR/keys.json, so run it where the
server's data dir is.

  add NAME                create an operator; its token is printed this once
  add NAME --print-only   make a token and print its CLAVE_OPERATORS_FILE entry; store nothing
  remove NAME             remove an operator: its token stops working, its pending proposals are rejected
  list [--json]           operators in the store and in CLAVE_OPERATORS_FILE

NAME is lower-case letters, digits, ".", "-" or "_" ("admin" is the admin token's).
Exit status: 0 done, 1 refused (name taken, unknown), 2 bad usage or configuration.
`;

/**
 * `clave operator add NAME | remove NAME | list`, on the environment's store.
 *
 * @example
 *   await runOperatorCommand(['add', 'alice'], io, process.env); // prints alice's token once
 */
export async function runOperatorCommand(args: string[], io: CliIo, env: Record<string, string | undefined>): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, 'print-only': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (err) {
    return usage(io, (err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const [sub, name, extra] = positionals;
  if (extra !== undefined) return usage(io, `unexpected "${extra}"`);
  if (sub === 'list' ? name !== undefined : sub !== 'add' && sub !== 'remove') return usage(io, sub === undefined ? 'no command given' : `unknown command "${sub}"`);
  if (sub !== 'list' && (name === undefined || !OPERATOR_NAME.test(name))) return usage(io, `${sub} needs a NAME of lower-case letters, digits, ".", "-" or "_"`);
  if (values['print-only'] && sub !== 'add') return usage(io, '--print-only goes with add');

  try {
    const config = loadConfig(env);
    const key = await loadOperatorKey(config.dataDir);
    if (sub === 'add' && values['print-only']) return printEntry(io, key, name ?? '');
    await refuseBesideRunningServer(config);
    const file = env['CLAVE_OPERATORS_FILE'];
    const fileOperators: OperatorEntry[] = file ? await loadOperatorsFile(file) : [];
    const db = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      const operators = createOperators({ db, clock: systemClock, key, fileOperators });
      const by = `cli:${whoAmI()}`;
      if (sub === 'add') {
        const { token } = await operators.add(name ?? '', { by });
        io.stdout.write(`Operator "${name}" added. Their token, shown this once (only its hash is kept):\n\n  ${token.reveal()}\n\nIt is sent as: Authorization: Bearer <token>\n`);
      } else if (sub === 'remove') {
        await operators.remove(name ?? '', { by });
        io.stdout.write(`Operator "${name}" removed.\n`);
      } else {
        const list = await operators.list();
        io.stdout.write(values.json ? `${JSON.stringify(list, null, 2)}\n` : table(list));
      }
    } finally {
      await db.close();
    }
    return 0;
  } catch (err) {
    if (isClaveError(err, 'INVALID_CONFIG')) {
      io.stderr.write(`clave operator: ${err.message}\n`);
      return 2;
    }
    if (isClaveError(err)) {
      io.stderr.write(`clave operator: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

export const operatorCommand: Command = {
  summary: 'add, remove and list the named operators of the operations API',
  run: (args, io) => runOperatorCommand(args, io, process.env),
};

function printEntry(io: CliIo, key: Buffer, name: string): number {
  const token = newOperatorToken();
  io.stdout.write(
    `Token for "${name}", shown this once:\n\n  ${token.reveal()}\n\nIts entry for CLAVE_OPERATORS_FILE:\n\n- name: ${name}\n  tokenHash: ${hashOperatorToken(key, token)}\n`,
  );
  return 0;
}

/**
 * The embedded store is one process's: writing it beside a running server
 * would be lost or worse. A server answering on the configured address with
 * the embedded store means stop.
 */
async function refuseBesideRunningServer(config: Config): Promise<void> {
  if (config.databaseUrl) return;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let store: unknown;
  try {
    const res = await fetch(`http://${host}:${config.httpPort}/healthz`, { signal: AbortSignal.timeout(1000) });
    store = ((await res.json()) as { store?: unknown }).store;
  } catch {
    return;
  }
  if (store === 'pglite') {
    throw new ClaveError('INVALID_CONFIG', `a Clave server on ${host}:${config.httpPort} runs on the embedded store: stop it first, or use DATABASE_URL`);
  }
}

function whoAmI(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function table(list: OperatorInfo[]): string {
  if (list.length === 0) return 'No operators yet: clave operator add NAME\n';
  const rows = [['NAME', 'SOURCE', 'ADDED', 'BY'], ...list.map((o) => [o.name, o.source, o.createdAt?.toISOString() ?? '-', o.createdBy ?? '-'])];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n') + '\n';
}

function usage(io: CliIo, problem: string): number {
  io.stderr.write(`clave operator: ${problem}\n\n${USAGE}`);
  return 2;
}
