import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openPglite, type Db } from '../store/index.ts';
import { callTraffic } from './traffic.ts';

let db: Db;
beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
});
afterAll(async () => {
  await db.close();
});

async function call(id: string, dialed: string, startedAt: string, ended?: { at: string; outcome: string }) {
  await db.query(
    `INSERT INTO calls (id, node_id, channel, dialed, caller, flow, language, state, outcome, started_at, ended_at)
     VALUES ($1, 'n1', 'sip', $2, '+34600111222', 'unlock-line', 'es', $3, $4, $5, $6)`,
    [id, dialed, ended ? 'ended' : 'live', ended?.outcome ?? null, startedAt, ended?.at ?? null],
  );
}

describe('call traffic per minute', () => {
  it('counts calls started, abandoned and failed in the minute, per dialed number', async () => {
    await call('a', '950183313', '2026-03-02T10:00:05Z');
    await call('b', '950183313', '2026-03-02T10:00:59Z', { at: '2026-03-02T10:00:59.5Z', outcome: 'caller_hung_up' });
    await call('c', '901511000', '2026-03-02T09:58:00Z', { at: '2026-03-02T10:00:30Z', outcome: 'verification_failed' });
    await call('d', '950183313', '2026-03-02T09:59:00Z', { at: '2026-03-02T10:00:10Z', outcome: 'ebanking_user_recovered' });
    await call('e', '950183313', '2026-03-02T10:01:00Z', { at: '2026-03-02T10:01:30Z', outcome: 'no_input' });
    expect(await callTraffic(db).countsForMinute(new Date('2026-03-02T10:00:00Z'))).toEqual({
      'calls:950183313': 2,
      'abandoned:950183313': 1,
      'failed:901511000': 1,
    });
  });
});
