import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedClock, Sensitive } from '../shared/index.ts';
import { type Db, migrate, openPglite } from '../store/index.ts';
import { createOperators, createSecurityModes, hashOperatorToken, operatorTokenKey, type Operators } from './index.ts';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const T0 = Date.parse('2026-03-02T09:00:00Z');

let db: Db;
beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
}, 60_000);
afterAll(() => db.close());

describe('operators', () => {
  let clock: SimulatedClock;
  let key: Buffer;
  let operators: Operators;
  beforeEach(async () => {
    await db.query('TRUNCATE operators_operator, operators_security_change, operators_audit');
    clock = new SimulatedClock(T0);
    key = operatorTokenKey(randomBytes(32));
    operators = createOperators({ db, clock, key, adminToken: ADMIN_TOKEN });
  });

  it('gives each operator an own token, shown once, that authenticates as that operator', async () => {
    const alice = await operators.add('alice');
    const bob = await operators.add('bob');
    expect(alice.name).toBe('alice');
    expect(alice.token.reveal()).toMatch(/^clv_op_[A-Za-z0-9_-]{43}$/);
    expect(bob.token.reveal()).not.toBe(alice.token.reveal());
    // The token is a Sensitive: printing or logging the result never shows it.
    expect(JSON.stringify(alice)).toBe('{"name":"alice","token":"[secret]"}');
    expect(await operators.authenticate(alice.token.reveal())).toBe('alice');
    expect(await operators.authenticate(bob.token.reveal())).toBe('bob');
    expect(await operators.authenticate(`${alice.token.reveal()}x`)).toBeNull();
    expect(await operators.authenticate('')).toBeNull();
    expect(await operators.authenticate('x'.repeat(10_000))).toBeNull();
    expect(await operators.list()).toEqual([
      { name: 'alice', source: 'store', createdBy: 'cli', createdAt: new Date(T0) },
      { name: 'bob', source: 'store', createdBy: 'cli', createdAt: new Date(T0) },
    ]);
  });

  it('stores the token only as its keyed hash: not in the operators table, not in the audit', async () => {
    const { token } = await operators.add('alice', { by: 'cli:root' });
    const tables = [
      await db.query('SELECT * FROM operators_operator'),
      await db.query('SELECT * FROM operators_audit'),
    ];
    const dump = JSON.stringify(tables);
    expect(dump).not.toContain(token.reveal());
    expect(dump).not.toContain(token.reveal().slice(7, 30));
    const [row] = await db.query<{ token_hash: string; created_by: string }>('SELECT token_hash, created_by FROM operators_operator');
    expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.token_hash).toBe(hashOperatorToken(key, token));
    expect(row?.created_by).toBe('cli:root');
    // Keyed: the same token under another deployment's key is another hash, and does not authenticate there.
    const elsewhere = createOperators({ db, clock, key: operatorTokenKey(randomBytes(32)) });
    expect(await elsewhere.authenticate(token.reveal())).toBeNull();
  });

  it('keeps the admin token working as "admin", and only when one is configured', async () => {
    expect(await operators.authenticate(ADMIN_TOKEN)).toBe('admin');
    const without = createOperators({ db, clock, key });
    expect(await without.authenticate(ADMIN_TOKEN)).toBeNull();
  });

  it('refuses a duplicate name, the admin name and a malformed name', async () => {
    const first = await operators.add('alice');
    await expect(operators.add('alice')).rejects.toMatchObject({ code: 'OPERATOR_EXISTS', details: { name: 'alice' } });
    await expect(operators.add('admin')).rejects.toMatchObject({ code: 'OPERATOR_EXISTS' });
    for (const bad of ['', 'Alice', 'a b', '-x', 'x'.repeat(64), 'ana/../bob']) {
      await expect(operators.add(bad)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'name' } });
    }
    // The first alice's token still works: the refused duplicate changed nothing.
    expect(await operators.authenticate(first.token.reveal())).toBe('alice');
    expect((await operators.list()).map((o) => o.name)).toEqual(['alice']);
  });

  it('removes an operator: its token stops working at once and its pending proposals are rejected', async () => {
    const { token } = await operators.add('alice');
    const modes = createSecurityModes({ db, clock });
    await modes.start();
    const change = await modes.propose({ mode: 'lockdown', reason: 'drill' }, 'alice');
    await operators.remove('alice', { by: 'cli:root' });
    expect(await operators.authenticate(token.reveal())).toBeNull();
    expect(await operators.list()).toEqual([]);
    await expect(modes.approve(change.id, 'bob')).rejects.toMatchObject({ code: 'SECURITY_CHANGE_NOT_PENDING', details: { status: 'rejected' } });
    expect(modes.current().mode).toBe('normal');
    await expect(operators.remove('alice')).rejects.toMatchObject({ code: 'OPERATOR_NOT_FOUND' });
    await expect(operators.remove('admin')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const audit = await db.query<{ actor: string; action: string; subject: string; detail: unknown }>(
      `SELECT actor, action, subject, detail FROM operators_audit WHERE action LIKE 'operator_%' ORDER BY seq`,
    );
    expect(audit).toEqual([
      { actor: 'cli', action: 'operator_added', subject: 'alice', detail: {} },
      { actor: 'cli:root', action: 'operator_removed', subject: 'alice', detail: { rejectedChanges: [change.id] } },
    ]);
    modes.stop();
  });

  it('authenticates operators from the configuration file, which add and remove leave alone', async () => {
    const token = new Sensitive('clv_op_file-token-of-carol-000000000000000000000000');
    const withFile = createOperators({ db, clock, key, fileOperators: [{ name: 'carol', tokenHash: hashOperatorToken(key, token) }] });
    expect(await withFile.authenticate(token.reveal())).toBe('carol');
    await expect(withFile.add('carol')).rejects.toMatchObject({ code: 'OPERATOR_EXISTS' });
    await expect(withFile.remove('carol')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await withFile.add('dave');
    expect((await withFile.list()).map((o) => [o.name, o.source])).toEqual([['carol', 'file'], ['dave', 'store']]);
  });
});
