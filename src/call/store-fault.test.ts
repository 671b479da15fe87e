// Issue 6: the store under fault. A call never ends in silence because the
// database went away: it says why, ends, and its record is written when the
// database is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaveError } from '../shared/index.ts';
import { migrate, openPglite, type Db } from '../store/index.ts';
import { lastKnownAnnouncer } from './last-known-announcer.ts';
import { lineFixture, SwitchableDb, TestChannel } from './line-fixture.test-support.ts';
import type { AnnouncerPort } from './ports.ts';

let pglite: Db;
beforeAll(async () => {
  pglite = await openPglite();
  await migrate(pglite);
}, 60_000);
afterAll(async () => {
  await pglite.close();
});

const APOLOGY_EN = 'We are sorry, we cannot complete your call right now because of a technical problem. Please call again later.';

/** The incidents context as seen through the switchable store: it fails when the store does. */
function storeBackedAnnouncer(db: SwitchableDb): AnnouncerPort {
  return {
    announcementFor: async ({ language }) => {
      await db.query('SELECT 1');
      return {
        pieces: [{ key: 'inc-7.title', text: language === 'es' ? 'Las tarjetas fallan' : 'Cards are failing', language }],
        incidentIds: ['inc-7'], maintenanceIds: [], version: 'full',
      };
    },
  };
}

describe('a call when the database is gone', () => {
  it('mid-call: the caller hears the apology in their language instead of the flow going on, and the record is written once the database is back', async () => {
    const db = new SwitchableDb(pglite);
    const f = await lineFixture({
      db,
      identity: {
        identify: () => {
          db.down = true;
          return Promise.reject(new Error('Connection terminated unexpectedly'));
        },
      },
    });
    const { channel, call } = f.dial('+34600000101');
    await f.settle();
    channel.endPlay();
    channel.keys('2');
    await f.settle();
    channel.endPlay(); // the (empty) announcement's end: main menu
    channel.keys('1 1 1 12345678');
    await f.settle(1000); // the probe's deadline at most
    expect(channel.heard().slice(-1)).toEqual(['technical_problem/en']);
    expect(channel.plays.at(-1)?.prompts.map((p) => p.text)).toEqual([APOLOGY_EN]);
    expect(channel.heard()).not.toContain('service_unavailable/en');
    // Keys change nothing now; the end of the apology ends the call.
    channel.keys('0');
    expect(channel.hungUpWith).toBeUndefined();
    channel.endPlay();
    expect(channel.hungUpWith).toBe('service_unavailable');
    expect(await call.ended).toEqual({ outcome: 'service_unavailable', language: 'en' });
    expect(f.line.stats().pendingRecords).toBe(1);

    db.down = false;
    await f.settle(5000);
    expect(f.line.stats().pendingRecords).toBe(0);
    const record = await f.records.get(call.callId);
    expect(record).toMatchObject({ state: 'ended', outcome: 'service_unavailable', language: 'en' });
    expect(record?.transcript).toContainEqual(expect.objectContaining({ type: 'note', text: 'the database did not answer' }));
    expect(record?.transcript).toContainEqual(expect.objectContaining({ type: 'prompt', id: 'technical_problem', text: APOLOGY_EN }));
  });

  it('at the start: the caller hears the last known announcement and the apology in both languages, with the call recorded later', async () => {
    const db = new SwitchableDb(pglite);
    const f0 = await lineFixture({ db });
    const announcer = lastKnownAnnouncer(storeBackedAnnouncer(db), { clock: f0.clock, marketOf: () => 'ES' });
    // Learnt while the database answered.
    expect((await announcer.announcementFor({ dialed: '950183313', caller: '+34600000000', language: 'es' }))?.incidentIds).toEqual(['inc-7']);
    const f = await lineFixture({ db, announcer });
    db.down = true;
    const { channel, call } = f.dial('+34600000102');
    await f.settle();
    expect(channel.heard()).toEqual(['announcement/es', 'technical_problem/es', 'technical_problem/en']);
    expect(channel.plays[0]?.prompts[0]?.text).toBe('Las tarjetas fallan');
    channel.endPlay();
    expect(channel.hungUpWith).toBe('service_unavailable');
    expect(await call.ended).toEqual({ outcome: 'service_unavailable', language: 'es' });
    expect(f.used).toEqual({ identity: 0, services: 0 });

    db.down = false;
    await f.settle(5000);
    const record = await f.records.get(call.callId);
    expect(record).toMatchObject({ state: 'ended', outcome: 'service_unavailable', caller: '+34600000102', dialed: '950183313', flow: 'unlock-line' });
    expect(record?.transcript).toContainEqual(expect.objectContaining({ type: 'announcement', incidentIds: ['inc-7'], stale: true }));
    expect(record?.transcript).toContainEqual(expect.objectContaining({ type: 'note', text: 'the call could not be recorded: the database did not answer' }));
    // And the line takes calls again by itself.
    const next = f.dial('+34600000103');
    await f.settle();
    expect(next.channel.heard()).toEqual(['language_menu/es']);
    expect((await f.records.get(next.call.callId))?.state).toBe('live');
  });

  it('a call-back that cannot be recorded apologises in the customer’s language, is recorded as outbound, and reads no line announcement', async () => {
    const db = new SwitchableDb(pglite);
    // An announcement known whatever the store does: callers of the line would hear it.
    const announcer: AnnouncerPort = {
      announcementFor: ({ language }) => Promise.resolve({
        pieces: [{ key: 'inc-7.title', text: 'Cards are failing', language }], incidentIds: ['inc-7'], maintenanceIds: [], version: 'full',
      }),
    };
    const f = await lineFixture({ db, announcer });
    const place = f.line.admit();
    if (place.kind === 'refused') throw new Error('the line refused the call-back');
    db.down = true;
    const channel = new TestChannel();
    const call = f.line.startOutbound({
      channel, flowId: 'signing-key-callback', from: '950183313', to: '+34600111222', admission: place,
      preset: { customerId: 'c-1', language: 'en', vars: { reference: '12345678' } },
    });
    channel.input = call;
    await f.settle();
    expect(channel.heard()).toEqual(['technical_problem/en', 'technical_problem/es']);
    channel.endPlay();
    expect(await call.ended).toEqual({ outcome: 'service_unavailable', language: 'en' });

    db.down = false;
    await f.settle(5000);
    expect(await f.records.get(call.callId)).toMatchObject({ direction: 'outbound', dialed: '+34600111222', flow: 'signing-key-callback', language: 'en' });
  });

  it('a step failing while the database answers is the flow’s to handle (service_unavailable, an agent), not an apology', async () => {
    const db = new SwitchableDb(pglite);
    const f = await lineFixture({ db, identity: { identify: () => Promise.reject(new Error('a bug')) } });
    const { channel, call } = f.dial('+34600000104');
    await f.settle();
    channel.endPlay();
    channel.keys('2');
    await f.settle();
    channel.endPlay();
    channel.keys('1 1 1 12345678');
    await f.settle(1000);
    expect(channel.heard()).toContain('service_unavailable/en');
    expect(channel.heard()).not.toContain('technical_problem/en');
    call.hangup();
    expect((await call.ended).outcome).toBe('service_unavailable');
  });

  it('the bank being down stays the flow’s business even when the database is down too (no probe)', async () => {
    const db = new SwitchableDb(pglite);
    const f = await lineFixture({
      db,
      identity: {
        identify: () => {
          db.down = true;
          return Promise.reject(new ClaveError('BANK_UNAVAILABLE', 'bank down'));
        },
      },
    });
    const { channel, call } = f.dial('+34600000105');
    await f.settle();
    channel.endPlay();
    channel.keys('2');
    await f.settle();
    channel.endPlay();
    const before = db.queries;
    channel.keys('1 1 1 12345678');
    await f.settle();
    expect(db.queries).toBe(before);
    expect(channel.heard()).toContain('service_unavailable/en');
    call.hangup();
    await call.ended;
    db.down = false;
  });

  it('a call that ends while the database is down is recorded when it is back: the live row gets its outcome', async () => {
    const db = new SwitchableDb(pglite);
    const f = await lineFixture({ db });
    const { call } = f.dial('+34600000106');
    await f.settle();
    expect((await f.records.get(call.callId))?.state).toBe('live');
    db.down = true;
    call.hangup();
    expect((await call.ended).outcome).toBe('caller_hung_up');
    await f.settle(5000);
    expect(f.line.stats().pendingRecords).toBe(1);
    db.down = false;
    await f.settle(5000);
    expect(await f.records.get(call.callId)).toMatchObject({ state: 'ended', outcome: 'caller_hung_up' });
    expect(f.line.stats().pendingRecords).toBe(0);
  });
});
