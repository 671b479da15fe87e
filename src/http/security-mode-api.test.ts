import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOperators, createSecurityModes, operatorTokenKey, type SecurityModes } from '../operators/index.ts';
import { SimulatedClock } from '../shared/index.ts';
import { migrate, openPglite, type Db } from '../store/index.ts';
import { operatorGuard, operatorOf } from './operator-auth.ts';
import { securityModeApi } from './security-mode-api.ts';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const ADMIN = 'admin-token-for-the-api-tests-42';

let db: Db;
let app: FastifyInstance;
let clock: SimulatedClock;
let modes: SecurityModes;
let alice: string;
let bob: string;

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
}, 60_000);
afterAll(() => db.close());

beforeEach(async () => {
  await db.query('TRUNCATE operators_operator, operators_security_change, operators_audit');
  await db.query(`UPDATE operators_security_mode SET mode = 'normal', reason = NULL, since = NULL, expires_at = NULL, change_id = NULL, proposed_by = NULL, approved_by = NULL, version = 0`);
  clock = new SimulatedClock(T0);
  const operators = createOperators({ db, clock, key: operatorTokenKey(randomBytes(32)), adminToken: ADMIN });
  alice = (await operators.add('alice')).token.reveal();
  bob = (await operators.add('bob')).token.reveal();
  // One read a minute is plenty here: the API reads the store itself.
  modes = createSecurityModes({ db, clock, refreshMs: 60_000 });
  await modes.start();
  app = Fastify();
  await app.register(
    async (api) => {
      api.addHook('onRequest', operatorGuard(operators));
      await api.register(securityModeApi({ modes, operatorOf }));
    },
    { prefix: '/api' },
  );
  return async () => {
    modes.stop();
    await app.close();
  };
});

async function call(method: 'GET' | 'POST', url: string, token: string | null, payload?: object) {
  const res = await app.inject({
    method,
    url,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    ...(payload ? { payload } : {}),
  });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
}

describe('security mode API', () => {
  it('answers the mode in force to any operator, and 401 without a valid token', async () => {
    expect(await call('GET', '/api/security-mode', alice)).toEqual({
      status: 200,
      body: { mode: 'normal', reason: null, since: null, expiresAt: null, changedBy: null, changeId: null, pending: [] },
    });
    expect((await call('GET', '/api/security-mode', null)).status).toBe(401);
    expect((await call('GET', '/api/security-mode', `${alice}0`)).status).toBe(401);
    expect((await call('GET', '/api/security-mode', ADMIN)).status).toBe(200);
  });

  it('takes a proposal from one operator (202) and applies it on the approval of another (200)', async () => {
    const proposed = await call('POST', '/api/security-mode', alice, { mode: 'lockdown', reason: 'credential stuffing', expiresAt: '2026-03-02T12:00:00+01:00' });
    expect(proposed).toMatchObject({
      status: 202,
      body: { mode: 'lockdown', reason: 'credential stuffing', expiresAt: '2026-03-02T11:00:00.000Z', proposedBy: 'alice', status: 'pending', pendingUntil: '2026-03-02T10:00:00.000Z' },
    });
    const id = proposed.body['id'] as string;
    const pending = await call('GET', '/api/security-mode', bob);
    expect(pending.body).toMatchObject({ mode: 'normal', pending: [{ id, proposedBy: 'alice' }] });

    const approved = await call('POST', `/api/security-mode/changes/${id}/approve`, bob);
    expect(approved).toEqual({
      status: 200,
      body: {
        change: expect.objectContaining({ id, status: 'applied', settledBy: 'bob' }) as unknown,
        current: { mode: 'lockdown', reason: 'credential stuffing', since: '2026-03-02T09:00:00.000Z', expiresAt: '2026-03-02T11:00:00.000Z', changedBy: ['alice', 'bob'], changeId: id },
      },
    });
    expect(modes.current().mode).toBe('lockdown');
    expect((await call('GET', '/api/security-mode', alice)).body).toMatchObject({ mode: 'lockdown', changedBy: ['alice', 'bob'], pending: [] });
    const history = await call('GET', '/api/security-mode/history?limit=10', alice);
    expect((history.body as unknown as { action: string; actor: string }[]).map((e) => `${e.action} ${e.actor}`)).toEqual(['mode_approved bob', 'mode_proposed alice']);
  });

  it('refuses the proposer approving their own change with 403 and a clear message; the mode stays', async () => {
    const { body } = await call('POST', '/api/security-mode', alice, { mode: 'heightened', reason: 'phishing wave' });
    const id = body['id'] as string;
    expect(await call('POST', `/api/security-mode/changes/${id}/approve`, alice)).toEqual({
      status: 403,
      body: { error: 'forbidden', code: 'APPROVER_IS_PROPOSER', message: `four eyes: change ${id} was proposed by alice and must be approved by another operator` },
    });
    expect(modes.current().mode).toBe('normal');
    // The admin token is an operator of its own ("admin"): it may approve alice's change.
    expect((await call('POST', `/api/security-mode/changes/${id}/approve`, ADMIN)).body).toMatchObject({ current: { mode: 'heightened', changedBy: ['alice', 'admin'] } });
  });

  it('answers 409 for a change no longer pending, 404 for an unknown one, 400 naming the field', async () => {
    const { body } = await call('POST', '/api/security-mode', alice, { mode: 'lockdown', reason: 'r' });
    const id = body['id'] as string;
    await clock.advance(3_600_000);
    expect(await call('POST', `/api/security-mode/changes/${id}/approve`, bob)).toMatchObject({
      status: 409,
      body: { error: 'conflict', code: 'SECURITY_CHANGE_NOT_PENDING', status: 'expired' },
    });
    expect(await call('POST', '/api/security-mode/changes/smc-000000000000/approve', bob)).toMatchObject({ status: 404, body: { code: 'SECURITY_CHANGE_NOT_FOUND' } });
    expect(await call('POST', '/api/security-mode', alice, { mode: 'panic', reason: 'r' })).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT', field: 'mode' } });
    expect(await call('POST', '/api/security-mode', alice, { mode: 'lockdown' })).toMatchObject({ status: 400, body: { field: 'reason' } });
    expect(await call('POST', '/api/security-mode', alice, { mode: 'lockdown', reason: 'r', expiresAt: 'tomorrow' })).toMatchObject({ status: 400, body: { field: 'expiresAt' } });
    expect(await call('POST', '/api/security-mode', alice, { mode: 'lockdown', reason: 'r', expiresAt: '2026-03-02T09:00:00Z' })).toMatchObject({
      status: 400,
      body: { field: 'expiresAt', message: 'expiresAt must be a time in the future' },
    });
  });

  it('lets an operator reject a pending change', async () => {
    const { body } = await call('POST', '/api/security-mode', alice, { mode: 'lockdown', reason: 'mistake' });
    const id = body['id'] as string;
    expect(await call('POST', `/api/security-mode/changes/${id}/reject`, bob)).toMatchObject({ status: 200, body: { id, status: 'rejected', settledBy: 'bob' } });
    expect((await call('GET', '/api/security-mode/changes', bob)).body).toMatchObject([{ id, status: 'rejected' }]);
    expect((await call('GET', '/api/security-mode/changes?pending=true', bob)).body).toEqual([]);
  });
});

describe('operatorOf', () => {
  it('throws for a route that is not behind operatorGuard: no change is signed by nobody', async () => {
    const bare = Fastify();
    bare.get('/x', (request) => operatorOf(request));
    const res = await bare.inject({ url: '/x' });
    expect(res.statusCode).toBe(500);
    await bare.close();
  });
});
