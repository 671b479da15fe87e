import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isClaveError, SimulatedClock } from '../shared/index.ts';
import { DRIVERS, migrate, POSTGRES_SKIP_REASON, twoConnections } from '../store/index.ts';
import { createOperators, createSecurityModes, operatorTokenKey } from './index.ts';

const T0 = Date.parse('2026-03-02T09:00:00Z');


function codeOf(result: PromiseSettledResult<unknown>): string {
  if (result.status === 'fulfilled') return 'applied';
  return isClaveError(result.reason) ? `${result.reason.code}:${String(result.reason.details['status'])}` : `bug: ${String(result.reason)}`;
}

// The same contract on every driver: four eyes and one change at a time must hold across processes on PostgreSQL too.
for (const driver of DRIVERS) {
  describe.skipIf(!driver.available)(`security modes on ${driver.name}${driver.available ? '' : ` (skipped: ${POSTGRES_SKIP_REASON})`}`, () => {
    let conn: Awaited<ReturnType<typeof twoConnections>>;
    let clock: SimulatedClock;
    beforeAll(async () => {
      conn = await twoConnections(driver.name);
      await migrate(conn.a);
    }, 60_000);
    afterAll(() => conn.done());
    beforeEach(async () => {
      await conn.a.query('TRUNCATE operators_operator, operators_security_change, operators_audit');
      await conn.a.query(
        `UPDATE operators_security_mode SET mode = 'normal', reason = NULL, since = NULL, expires_at = NULL, change_id = NULL, proposed_by = NULL, approved_by = NULL, version = 0`,
      );
      clock = new SimulatedClock(T0);
    });

    async function twoProcesses() {
      const p1 = createSecurityModes({ db: conn.a, clock });
      const p2 = createSecurityModes({ db: conn.b, clock });
      await p1.refresh();
      await p2.refresh();
      return [p1, p2] as const;
    }

    it('applies one of two changes approved at the same moment in two processes; the other is superseded', async () => {
      for (let round = 0; round < 5; round++) {
        await conn.a.query(`UPDATE operators_security_change SET status = 'rejected' WHERE status = 'pending'`);
        const [p1, p2] = await twoProcesses();
        const x = await p1.propose({ mode: 'lockdown', reason: `x${round}` }, 'alice');
        const y = await p2.propose({ mode: 'heightened', reason: `y${round}` }, 'bob');
        const results = await Promise.allSettled([p1.approve(x.id, 'carol'), p2.approve(y.id, 'dave')]);
        expect(results.map(codeOf).sort()).toEqual(['SECURITY_CHANGE_NOT_PENDING:superseded', 'applied']);
        const winner = results[0].status === 'fulfilled' ? 'lockdown' : 'heightened';
        expect((await p1.refresh()).mode).toBe(winner);
        expect((await p2.refresh()).mode).toBe(winner);
      }
      const [row] = await conn.a.query<{ version: number }>('SELECT version FROM operators_security_mode');
      expect(row?.version).toBe(5);
    });

    it('applies a change once when two operators approve it at the same moment', async () => {
      const [p1, p2] = await twoProcesses();
      const change = await p1.propose({ mode: 'lockdown', reason: 'r' }, 'alice');
      const results = await Promise.allSettled([p1.approve(change.id, 'bob'), p2.approve(change.id, 'carol')]);
      expect(results.map(codeOf).sort()).toEqual(['SECURITY_CHANGE_NOT_PENDING:applied', 'applied']);
      const audit = await conn.a.query<{ action: string }>(`SELECT action FROM operators_audit WHERE action = 'mode_approved'`);
      expect(audit).toHaveLength(1);
    });

    it('expires a mode once when two processes notice it at the same moment', async () => {
      const [p1, p2] = await twoProcesses();
      const change = await p1.propose({ mode: 'heightened', reason: 'r', expiresAt: new Date(T0 + 60_000) }, 'alice');
      await p1.approve(change.id, 'bob');
      await clock.advance(60_000);
      const [s1, s2] = await Promise.all([p1.refresh(), p2.refresh()]);
      expect([s1.mode, s2.mode]).toEqual(['normal', 'normal']);
      const audit = await conn.a.query<{ actor: string }>(`SELECT actor FROM operators_audit WHERE action = 'mode_expired'`);
      expect(audit).toEqual([{ actor: 'system' }]);
    });

    it('adds a name once when two processes add it at the same moment, and authenticates across processes', async () => {
      const key = operatorTokenKey(randomBytes(32));
      const o1 = createOperators({ db: conn.a, clock, key });
      const o2 = createOperators({ db: conn.b, clock, key });
      const results = await Promise.allSettled([o1.add('alice'), o2.add('alice')]);
      expect(results.map((r) => (r.status === 'fulfilled' ? 'added' : isClaveError(r.reason) ? r.reason.code : 'bug')).sort()).toEqual(['OPERATOR_EXISTS', 'added']);
      const added = results.find((r) => r.status === 'fulfilled');
      const token = added?.status === 'fulfilled' ? added.value.token.reveal() : '';
      expect(await o2.authenticate(token)).toBe('alice');
      expect(await o1.authenticate(token)).toBe('alice');
    });
  });
}
