// Issue 6: surge handling. A full line changes what the next caller gets,
// never the calls already on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.ts';
import { SimulatedClock } from '../shared/index.ts';
import { migrate, openPglite, type Db } from '../store/index.ts';
import { createLine } from './line.ts';
import { lineFixture, TestChannel } from './line-fixture.test-support.ts';
import { CallRecords } from './records.ts';
import type { AnnouncerPort } from './ports.ts';

let db: Db;
beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
}, 60_000);
afterAll(async () => {
  await db.close();
});

const outage: AnnouncerPort = {
  announcementFor: ({ language }) =>
    Promise.resolve({
      pieces: [{ key: 'inc-1.title', text: language === 'es' ? 'La banca online no funciona' : 'Online banking is down', language }],
      incidentIds: ['inc-1'], maintenanceIds: [], version: 'full',
    }),
};

async function callRows(caller: string) {
  return db.query<{ outcome: string | null; state: string; language: string; path: unknown[] }>('SELECT outcome, state, language, path FROM calls WHERE caller = $1', [caller]);
}

describe('a line with a capacity, announcing', () => {
  it('tells the caller beyond capacity what is down and that the lines are busy, hangs up, and records refused_at_capacity', async () => {
    const f = await lineFixture({ db, admission: { maxCalls: 2, atCapacity: 'announce' }, announcer: outage });
    const a = f.dial('+34600000001');
    const b = f.dial('+34600000002');
    await f.settle();
    const extra = f.dial('+34600000003');
    await f.settle();
    expect(extra.channel.heard()).toEqual(['announcement/es', 'lines_busy/es', 'lines_busy/en']);
    expect(extra.channel.plays[0]?.prompts.map((p) => p.text)).toEqual([
      'La banca online no funciona',
      'Todas nuestras líneas están ocupadas. Por favor, llame más tarde. Gracias.',
      'All our lines are busy. Please call again later. Thank you.',
    ]);
    // Keys change nothing; the end of the message ends the call.
    extra.channel.keys('1');
    expect(extra.channel.hungUpWith).toBeUndefined();
    extra.channel.endPlay();
    expect(extra.channel.hungUpWith).toBe('refused_at_capacity');
    expect(await extra.call.ended).toEqual({ outcome: 'refused_at_capacity', language: 'es' });
    const [row] = await callRows('+34600000003');
    expect(row).toMatchObject({ outcome: 'refused_at_capacity', state: 'ended', language: 'es', path: [] });
    const record = await f.records.get(extra.call.callId);
    expect(record?.transcript).toEqual([
      expect.objectContaining({ type: 'note', text: 'the line was full' }),
      expect.objectContaining({ type: 'announcement', incidentIds: ['inc-1'], version: 'full' }),
      expect.objectContaining({ type: 'prompt', id: 'announcement' }),
      expect.objectContaining({ type: 'prompt', id: 'lines_busy' }),
      expect.objectContaining({ type: 'prompt', id: 'lines_busy' }),
      expect.objectContaining({ type: 'hangup', by: 'line' }),
    ]);
    // No identity, no bank: cheap.
    expect(f.used).toEqual({ identity: 0, services: 0 });
    // The calls in progress heard only their own language menu and go on.
    for (const c of [a, b]) {
      expect(c.channel.heard()).toEqual(['language_menu/es']);
      expect(c.channel.hungUpWith).toBeUndefined();
    }
    expect(f.line.live.size).toBe(2);
    a.channel.endPlay();
    a.channel.keys('2');
    await f.settle();
    a.channel.endPlay();
    await f.settle();
    expect(a.channel.heard()).toEqual(['language_menu/es', 'announcement/en', 'main_menu/en']);
  });

  it('beyond its own bound even the refusal is refused (AT_CAPACITY, with Retry-After), and recorded nowhere', async () => {
    const f = await lineFixture({ db, admission: { maxCalls: 2, atCapacity: 'announce', retryAfterSeconds: 15 } });
    f.dial('+34600000011');
    f.dial('+34600000012');
    const brief = f.dial('+34600000013');
    let refused: unknown;
    try {
      f.dial('+34600000014');
    } catch (err) {
      refused = err;
    }
    expect(refused).toMatchObject({ code: 'AT_CAPACITY', details: { retryAfterSeconds: 15 } });
    expect(f.line.stats()).toMatchObject({ maxCalls: 2, hardLimit: 3, calls: 2, brief: 1, announcedTotal: 1, refusedTotal: 1 });
    // The refusal over, its place serves the next refusal.
    await f.settle();
    brief.channel.endPlay();
    await brief.call.ended;
    expect(f.dial('+34600000015').channel).toBeDefined();
    await f.settle();
    expect(await callRows('+34600000014')).toEqual([]);
  });

  it('a place freed by a call that ended goes to the next caller, who runs the flow', async () => {
    const f = await lineFixture({ db, admission: { maxCalls: 1, atCapacity: 'announce' } });
    const a = f.dial('+34600000021');
    await f.settle();
    a.call.hangup();
    expect((await a.call.ended).outcome).toBe('caller_hung_up');
    const b = f.dial('+34600000022');
    await f.settle();
    expect(b.channel.heard()).toEqual(['language_menu/es']);
  });
});

describe('a line with a capacity, rejecting', () => {
  it('refuses the caller beyond capacity with AT_CAPACITY and records nothing; the call in progress goes on', async () => {
    const f = await lineFixture({ db, admission: { maxCalls: 1, atCapacity: 'reject' } });
    const a = f.dial('+34600000031');
    expect(() => f.dial('+34600000032')).toThrow(expect.objectContaining({ code: 'AT_CAPACITY', details: { retryAfterSeconds: 10 } }) as Error);
    await f.settle();
    expect(await callRows('+34600000032')).toEqual([]);
    expect(a.channel.heard()).toEqual(['language_menu/es']);
    expect(f.line.stats()).toMatchObject({ calls: 1, refusedTotal: 1, atCapacity: 'reject' });
  });

  it('a place taken with admit() is handed to startCall, and given back when the number is unknown', async () => {
    const f = await lineFixture({ db, admission: { maxCalls: 1, atCapacity: 'reject' } });
    const place = f.line.admit();
    expect(place.kind).toBe('call');
    if (place.kind === 'refused') return;
    expect(f.line.peek().kind).toBe('refused');
    expect(() => f.line.startCall({ channel: new TestChannel(), from: '+34600000041', to: '123', admission: place })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_NUMBER' }) as Error,
    );
    expect(f.line.peek().kind).toBe('call');
    // An unknown number never takes a place.
    expect(() => f.dial('+34600000042', '123')).toThrow(expect.objectContaining({ code: 'UNKNOWN_NUMBER' }) as Error);
    expect(f.line.stats()).toMatchObject({ calls: 0, refusedTotal: 0 });
  });
});

describe('a line whose catalogs lack its own messages', () => {
  it('does not start (INVALID_FLOW), rather than go silent when the database fails', async () => {
    const { bundle } = await lineFixture({ db });
    const catalogs = new Map([...bundle.catalogs].map(([lang, c]) => [lang, lang === 'en' ? Object.fromEntries(Object.entries(c).filter(([id]) => id !== 'technical_problem')) : c]));
    const broken = { ...bundle, catalogs };
    const unused = () => Promise.reject(new Error('unused'));
    expect(() =>
      createLine({
        bundle: broken, identity: { identify: unused, verifyCard: unused }, services: { run: unused }, records: new CallRecords(db, 't'),
        clock: new SimulatedClock(), logger: createLogger({ level: 'silent' }), agents: {}, maxCallMs: 1000,
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_FLOW', details: { path: 'technical_problem', language: 'en' } }) as Error);
  });
});
