import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../shared/index.ts';
import { lastKnownAnnouncer } from './last-known-announcer.ts';
import type { AnnouncerPort, CallAnnouncement } from './ports.ts';

const announcement = (version: 'full' | 'short', ids = ['inc-1'], text = 'Online banking is down'): CallAnnouncement => ({
  pieces: [{ key: 'inc.title', text, language: 'en' }],
  incidentIds: ids,
  maintenanceIds: [],
  version,
});

/** An announcer whose next answer the test sets: a value, a failure, or no answer at all. */
function scripted() {
  let next: () => Promise<CallAnnouncement | null> = () => Promise.resolve(null);
  const port: AnnouncerPort = { announcementFor: () => next() };
  return {
    port,
    answer: (a: CallAnnouncement | null) => (next = () => Promise.resolve(a)),
    fail: () => (next = () => Promise.reject(new Error('connect ECONNREFUSED'))),
    hang: () => (next = () => new Promise(() => {})),
  };
}

const MARKETS: Record<string, string> = { '+34': 'ES', '+351': 'PT' };
const marketOf = (caller: string) => Object.entries(MARKETS).find(([prefix]) => caller.startsWith(prefix))?.[1] ?? null;
const es = { dialed: '950183313', caller: '+34600111222', language: 'en' };

describe('the last known announcement', () => {
  it('serves the last announcement for the line, market and language, marked stale, when the lookup fails', async () => {
    const inner = scripted();
    const announcer = lastKnownAnnouncer(inner.port, { clock: new SimulatedClock(), marketOf });
    inner.answer(announcement('full'));
    expect(await announcer.announcementFor(es)).toEqual(announcement('full'));
    inner.fail();
    // Another caller of the same market.
    expect(await announcer.announcementFor({ ...es, caller: '+34699999999' })).toEqual({ ...announcement('full'), stale: true });
  });

  it('never serves one market, language or line what was looked up for another', async () => {
    const inner = scripted();
    const announcer = lastKnownAnnouncer(inner.port, { clock: new SimulatedClock(), marketOf });
    inner.answer(announcement('full'));
    await announcer.announcementFor(es);
    inner.fail();
    await expect(announcer.announcementFor({ ...es, caller: '+351912345678' })).rejects.toThrow('ECONNREFUSED');
    await expect(announcer.announcementFor({ ...es, language: 'es' })).rejects.toThrow('ECONNREFUSED');
    await expect(announcer.announcementFor({ ...es, dialed: '901511000' })).rejects.toThrow('ECONNREFUSED');
  });

  it('remembers that nothing was to be announced', async () => {
    const inner = scripted();
    const announcer = lastKnownAnnouncer(inner.port, { clock: new SimulatedClock(), marketOf });
    inner.answer(announcement('full'));
    await announcer.announcementFor(es);
    inner.answer(null);
    await announcer.announcementFor(es);
    inner.fail();
    expect(await announcer.announcementFor(es)).toBeNull();
  });

  it('keeps the full text when a repeat caller got the short one for the same incidents, and takes news otherwise', async () => {
    const inner = scripted();
    const announcer = lastKnownAnnouncer(inner.port, { clock: new SimulatedClock(), marketOf });
    inner.answer(announcement('full'));
    await announcer.announcementFor(es);
    inner.answer(announcement('short'));
    await announcer.announcementFor(es);
    inner.fail();
    expect((await announcer.announcementFor(es))?.version).toBe('full');
    inner.answer(announcement('short', ['inc-2'], 'Cards are failing'));
    await announcer.announcementFor(es);
    inner.fail();
    expect(await announcer.announcementFor(es)).toEqual({ ...announcement('short', ['inc-2'], 'Cards are failing'), stale: true });
  });

  it('serves the last known one when the lookup does not answer within its deadline', async () => {
    const clock = new SimulatedClock();
    const inner = scripted();
    const announcer = lastKnownAnnouncer(inner.port, { clock, marketOf, deadlineMs: 800 });
    inner.answer(announcement('full'));
    await announcer.announcementFor(es);
    inner.hang();
    const served = announcer.announcementFor(es);
    await clock.advance(799);
    let done = false;
    void served.then(() => (done = true));
    await clock.advance(0);
    expect(done).toBe(false);
    await clock.advance(1);
    expect(await served).toMatchObject({ incidentIds: ['inc-1'], stale: true });
  });

  it('forgets the oldest line beyond maxEntries', async () => {
    const inner = scripted();
    const announcer = lastKnownAnnouncer(inner.port, { clock: new SimulatedClock(), marketOf, maxEntries: 2 });
    inner.answer(announcement('full'));
    for (const dialed of ['1', '2', '3']) await announcer.announcementFor({ ...es, dialed });
    inner.fail();
    await expect(announcer.announcementFor({ ...es, dialed: '1' })).rejects.toThrow('ECONNREFUSED');
    expect(await announcer.announcementFor({ ...es, dialed: '3' })).toMatchObject({ stale: true });
  });
});
