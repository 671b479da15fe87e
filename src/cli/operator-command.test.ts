import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The server creates keys.json at its first start; this test plays that part.
// eslint-disable-next-line clave/bounded-contexts
import { loadOrCreateKeys } from '../crypto/index.ts';
import { createOperators, hashOperatorToken, loadOperatorKey, parseOperatorsFile } from '../operators/index.ts';
import { Sensitive, SimulatedClock } from '../shared/index.ts';
import { openStore } from '../store/index.ts';
import type { CliIo } from './io.ts';
import { main } from './main.ts';
import { runOperatorCommand } from './operator-command.ts';

let dataDir: string;
// Port 1 on loopback: no server answers there, so the running-server check lets the command go on.
const env = () => ({ CLAVE_DATA_DIR: dataDir, CLAVE_HOST: '127.0.0.1', CLAVE_HTTP_PORT: '1' });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'clave-operator-'));
  await loadOrCreateKeys(dataDir);
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

async function clave(args: string[], environment: Record<string, string> = env()) {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, stdin: new PassThrough() };
  const code = await runOperatorCommand(args, io, environment);
  return { code, out, err };
}

describe('clave operator', () => {
  it('adds an operator on the data dir\'s store, prints its token once, and the server side authenticates it', async () => {
    const added = await clave(['add', 'alice']);
    expect(added.code).toBe(0);
    expect(added.err).toBe('');
    const token = /\n {2}(clv_op_[A-Za-z0-9_-]{43})\n/.exec(added.out)?.[1];
    expect(token).toBeDefined();
    expect(added.out).toContain('Operator "alice" added. Their token, shown this once (only its hash is kept):');

    const duplicate = await clave(['add', 'alice']);
    expect(duplicate).toEqual({ code: 1, out: '', err: 'clave operator: operator "alice" already exists\n' });

    const listed = await clave(['list']);
    expect(listed.code).toBe(0);
    expect(listed.out.split('\n')[0]).toMatch(/^NAME\s+SOURCE\s+ADDED\s+BY$/);
    expect(listed.out.split('\n')[1]).toMatch(/^alice\s+store\s+\d{4}-\d\d-\d\dT[\d:.]+Z\s+cli:\S+$/);
    expect(listed.out).not.toContain(token);

    // What the server would do: open the same store and key, authenticate the printed token; the store never holds it.
    const db = await openStore({ dataDir });
    try {
      const operators = createOperators({ db, clock: new SimulatedClock(), key: await loadOperatorKey(dataDir) });
      expect(await operators.authenticate(token ?? '')).toBe('alice');
      const rows = JSON.stringify(await db.query('SELECT * FROM operators_operator'));
      expect(rows).toContain('"name":"alice"');
      expect(rows).not.toContain(token);
    } finally {
      await db.close();
    }

    expect(await clave(['remove', 'alice'])).toEqual({ code: 0, out: 'Operator "alice" removed.\n', err: '' });
    expect(await clave(['remove', 'alice'])).toEqual({ code: 1, out: '', err: 'clave operator: no operator "alice"\n' });
    expect(await clave(['list', '--json'])).toEqual({ code: 0, out: '[]\n', err: '' });
  }, 60_000);

  it('prints a file entry whose hash the server accepts, storing nothing', async () => {
    const printed = await clave(['add', 'carol', '--print-only']);
    expect(printed.code).toBe(0);
    const token = /\n {2}(clv_op_[A-Za-z0-9_-]{43})\n/.exec(printed.out)?.[1] ?? '';
    const entries = parseOperatorsFile(printed.out.slice(printed.out.indexOf('- name:')));
    expect(entries).toEqual([{ name: 'carol', tokenHash: expect.stringMatching(/^[0-9a-f]{64}$/) as string }]);
    // The hash the server computes for that token under the data dir's key: the entry works once in the file.
    expect(entries[0]?.tokenHash).toBe(hashOperatorToken(await loadOperatorKey(dataDir), new Sensitive(token)));
  });

  it('refuses bad usage with 2 and the usage text', async () => {
    for (const args of [[], ['add'], ['add', 'Alice'], ['remove', 'a', 'b'], ['list', 'x'], ['rename', 'a'], ['remove', 'a', '--print-only'], ['add', 'a', '--nope']]) {
      const r = await clave(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain('usage: clave operator <command>');
    }
  });

  it('refuses a data dir without the server\'s keys rather than hash under a new key', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'clave-operator-empty-'));
    const r = await clave(['add', 'alice'], { ...env(), CLAVE_DATA_DIR: empty });
    expect(r).toEqual({ code: 2, out: '', err: `clave operator: no keys.json in ${empty}: point CLAVE_DATA_DIR at the server's data dir (it is created when the server first starts)\n` });
    await rm(empty, { recursive: true, force: true });
  });

  it('is registered as `clave operator`', async () => {
    let out = '';
    const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, stdin: new PassThrough() };
    expect(await main(['operator', '--help'], io)).toBe(0);
    expect(out).toContain('add NAME --print-only');
  });
});
