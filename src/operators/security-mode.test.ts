import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from '../shared/index.ts';
import { type Db, migrate, openPglite } from '../store/index.ts';
import { createSecurityModes, type SecurityModes, type SecurityModeState } from './index.ts';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const MINUTE = 60_000;

let db: Db;
beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
}, 60_000);
afterAll(() => db.close());

describe('security modes', () => {
  let clock: SimulatedClock;
  let modes: SecurityModes;
  const started: SecurityModes[] = [];
  async function open(): Promise<SecurityModes> {
    const m = createSecurityModes({ db, clock });
    await m.start();
    started.push(m);
    return m;
  }
  beforeEach(async () => {
    await db.query('TRUNCATE operators_security_change, operators_audit');
    await db.query(
      `UPDATE operators_security_mode SET mode = 'normal', reason = NULL, since = NULL, expires_at = NULL, change_id = NULL,
              proposed_by = NULL, approved_by = NULL, version = 0`,
    );
    clock = new SimulatedClock(T0);
    modes = await open();
  });
  afterEach(() => {
    for (const m of started.splice(0)) m.stop();
  });

  it('starts normal, set by no one', () => {
    expect(modes.current()).toEqual({ mode: 'normal', reason: null, since: null, expiresAt: null, changedBy: null, changeId: null, version: 0 });
    expect(() => createSecurityModes({ db, clock }).current()).toThrow(/call start\(\) first/);
  });

  it('applies a change only when a second operator approves it, and audits who did what when', async () => {
    const seen: [string, string][] = [];
    modes.onChange((state, previous) => seen.push([previous.mode, state.mode]));
    const change = await modes.propose({ mode: 'lockdown', reason: '  credential stuffing wave  ' }, 'alice');
    expect(change).toMatchObject({
      id: expect.stringMatching(/^smc-[0-9a-f]{12}$/) as string,
      mode: 'lockdown',
      reason: 'credential stuffing wave',
      expiresAt: null,
      proposedBy: 'alice',
      proposedAt: new Date(T0),
      pendingUntil: new Date(T0 + 60 * MINUTE),
      status: 'pending',
      settledBy: null,
    });
    expect(modes.current().mode).toBe('normal');
    expect(await modes.changes({ pending: true })).toEqual([change]);

    // Four eyes: the proposer cannot approve.
    await expect(modes.approve(change.id, 'alice')).rejects.toMatchObject({
      code: 'APPROVER_IS_PROPOSER',
      message: `four eyes: change ${change.id} was proposed by alice and must be approved by another operator`,
    });
    expect(modes.current().mode).toBe('normal');
    expect(seen).toEqual([]);

    await clock.advance(2 * MINUTE);
    const approved = await modes.approve(change.id, 'bob');
    expect(approved.change).toMatchObject({ status: 'applied', settledBy: 'bob', settledAt: new Date(T0 + 2 * MINUTE) });
    const expected: SecurityModeState = {
      mode: 'lockdown',
      reason: 'credential stuffing wave',
      since: new Date(T0 + 2 * MINUTE),
      expiresAt: null,
      changedBy: ['alice', 'bob'],
      changeId: change.id,
      version: 1,
    };
    expect(approved.current).toEqual(expected);
    expect(modes.current()).toEqual(expected);
    expect(seen).toEqual([['normal', 'lockdown']]);
    await expect(modes.approve(change.id, 'carol')).rejects.toMatchObject({ code: 'SECURITY_CHANGE_NOT_PENDING', details: { status: 'applied' } });

    const history = await modes.history();
    expect(history.map((e) => [e.action, e.actor, e.subject])).toEqual([
      ['mode_approval_refused', 'carol', change.id],
      ['mode_approved', 'bob', change.id],
      ['mode_approval_refused', 'alice', change.id],
      ['mode_proposed', 'alice', change.id],
    ]);
    expect(history[1]).toMatchObject({ at: new Date(T0 + 2 * MINUTE), detail: { mode: 'lockdown', from: 'normal', proposedBy: 'alice' } });
    expect(history[2]?.detail).toEqual({ code: 'APPROVER_IS_PROPOSER' });
  });

  it('keeps four eyes in the schema too: an applied change approved by its proposer cannot be written', async () => {
    const change = await modes.propose({ mode: 'heightened', reason: 'r' }, 'alice');
    await expect(db.query(`UPDATE operators_security_change SET status = 'applied', settled_by = 'alice' WHERE id = $1`, [change.id])).rejects.toThrow(
      /operators_security_change_four_eyes/,
    );
  });

  it('lets a pending change expire after an hour unapproved', async () => {
    const change = await modes.propose({ mode: 'heightened', reason: 'phishing campaign' }, 'alice');
    await clock.advance(60 * MINUTE);
    expect(await modes.changes({ pending: true })).toEqual([]);
    expect((await modes.changes())[0]).toMatchObject({ id: change.id, status: 'expired', settledAt: new Date(T0 + 60 * MINUTE) });
    await expect(modes.approve(change.id, 'bob')).rejects.toMatchObject({ code: 'SECURITY_CHANGE_NOT_PENDING', details: { status: 'expired' } });
    expect(modes.current().mode).toBe('normal');
    const [row] = await db.query<{ status: string }>('SELECT status FROM operators_security_change WHERE id = $1', [change.id]);
    expect(row?.status).toBe('expired');
  });

  it('puts a mode with expiresAt back to normal at that time by itself', async () => {
    const changes: string[] = [];
    modes.onChange((state) => changes.push(state.mode));
    const ends = new Date(T0 + 30 * MINUTE);
    const change = await modes.propose({ mode: 'heightened', reason: 'SIM-swap fraud', expiresAt: ends }, 'alice');
    await modes.approve(change.id, 'bob');
    expect(modes.current()).toMatchObject({ mode: 'heightened', expiresAt: ends });

    await clock.advance(30 * MINUTE - 1);
    expect(modes.current().mode).toBe('heightened');
    await clock.advance(1);
    // Exact at the instant, before any process wrote it…
    expect(modes.current()).toMatchObject({ mode: 'normal', reason: 'heightened expired: SIM-swap fraud', since: ends, expiresAt: null, changedBy: null });
    // …and then written to the store by the refresh loop, which woke at the expiry.
    await vi.waitFor(async () => {
      const [row] = await db.query<{ mode: string; version: number }>('SELECT mode, version FROM operators_security_mode');
      expect(row).toEqual({ mode: 'normal', version: 2 });
    });
    await vi.waitFor(() => expect(changes).toEqual(['heightened', 'normal']));
    const [expired] = await modes.history({ limit: 1 });
    expect(expired).toMatchObject({ action: 'mode_expired', actor: 'system', subject: change.id, at: new Date(T0 + 30 * MINUTE) });
  });

  it('agrees across processes: another instance sees the change within its refresh interval', async () => {
    const other = await open();
    const seen: string[] = [];
    other.onChange((state) => seen.push(`${state.mode} by ${state.changedBy?.join('+')}`));
    const change = await modes.propose({ mode: 'lockdown', reason: 'ransomware at a provider' }, 'alice');
    await other.approve(change.id, 'bob');
    expect(other.current().mode).toBe('lockdown');
    expect(modes.current().mode).toBe('normal');
    await clock.advance(5_000);
    await vi.waitFor(() => expect(modes.current().mode).toBe('lockdown'));
    expect(seen).toEqual(['lockdown by alice+bob']);
  });

  it('supersedes the other pending changes when one is applied', async () => {
    const a = await modes.propose({ mode: 'heightened', reason: 'a' }, 'alice');
    const b = await modes.propose({ mode: 'lockdown', reason: 'b' }, 'bob');
    await modes.approve(b.id, 'carol');
    await expect(modes.approve(a.id, 'bob')).rejects.toMatchObject({ code: 'SECURITY_CHANGE_NOT_PENDING', details: { status: 'superseded' } });
    expect(modes.current().mode).toBe('lockdown');
  });

  it('lets any operator reject a pending change', async () => {
    const change = await modes.propose({ mode: 'lockdown', reason: 'typo' }, 'alice');
    expect(await modes.reject(change.id, 'alice')).toMatchObject({ status: 'rejected', settledBy: 'alice' });
    await expect(modes.approve(change.id, 'bob')).rejects.toMatchObject({ code: 'SECURITY_CHANGE_NOT_PENDING', details: { status: 'rejected' } });
    await expect(modes.reject(change.id, 'bob')).rejects.toMatchObject({ code: 'SECURITY_CHANGE_NOT_PENDING' });
  });

  it('refuses a bad proposal and an unknown change', async () => {
    const past = new Date(T0 - 1);
    await expect(modes.propose({ mode: 'panic' as 'lockdown', reason: 'x' }, 'alice')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'mode' } });
    await expect(modes.propose({ mode: 'lockdown', reason: ' ' }, 'alice')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'reason' } });
    await expect(modes.propose({ mode: 'lockdown', reason: 'x', expiresAt: past }, 'alice')).rejects.toMatchObject({ details: { field: 'expiresAt' } });
    await expect(modes.propose({ mode: 'normal', reason: 'x', expiresAt: new Date(T0 + MINUTE) }, 'alice')).rejects.toMatchObject({ details: { field: 'expiresAt' } });
    await expect(modes.propose({ mode: 'lockdown', reason: 'x' }, '')).rejects.toMatchObject({ details: { field: 'operator' } });
    await expect(modes.approve('smc-000000000000', 'bob')).rejects.toMatchObject({ code: 'SECURITY_CHANGE_NOT_FOUND' });
    expect(await modes.changes()).toEqual([]);
  });

  it('refuses to approve a change whose own end time has already passed', async () => {
    const change = await modes.propose({ mode: 'lockdown', reason: 'short drill', expiresAt: new Date(T0 + 10 * MINUTE) }, 'alice');
    await clock.advance(10 * MINUTE);
    await expect(modes.approve(change.id, 'bob')).rejects.toMatchObject({ code: 'SECURITY_CHANGE_NOT_PENDING', details: { status: 'expired' } });
    expect(modes.current().mode).toBe('normal');
  });
});
