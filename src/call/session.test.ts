import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFlows, type FlowBundle } from '../flow/index.ts';
import { createLogger } from '../log/index.ts';
import { ClaveError, SimulatedClock } from '../shared/index.ts';
import { migrate, openPglite, type Db } from '../store/index.ts';
import type { CallChannel, ListenInfo, RenderedPrompt } from './channel.ts';
import { createLine } from './line.ts';
import type { AnnouncerPort, IdentityPort, ServicesPort } from './ports.ts';
import { CallRecords } from './records.ts';

/** A channel that plays instantly, presses the next key whenever the line listens, and hangs up when it has none left. */
class ScriptedChannel implements CallChannel {
  readonly kind = 'softphone' as const;
  readonly prompts: RenderedPrompt[] = [];
  hungUpWith: string | undefined;
  input: { digit(k: string): void; promptEnded(id: number): void; hangup(): void } | undefined;
  readonly #keys: string[];
  constructor(keys: string) {
    this.#keys = keys.replace(/\s/g, '').split('');
  }
  play(playId: number, prompts: RenderedPrompt[]): void {
    this.prompts.push(...prompts);
    setImmediate(() => this.input?.promptEnded(playId));
  }
  stopPlay(): void {}
  listen(_info: ListenInfo): void {
    const key = this.#keys.shift();
    setImmediate(() => (key ? this.input?.digit(key) : this.input?.hangup()));
  }
  transfer(): Promise<'completed' | 'refused'> {
    return Promise.resolve('refused');
  }
  hangup(outcome: string): void {
    this.hungUpWith = outcome;
  }
}

let db: Db;
let bundle: FlowBundle;
beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  bundle = await loadFlows();
});
afterAll(async () => {
  await db.close();
});

function line(identity: Partial<IdentityPort>, services: Partial<ServicesPort> = {}, announcer?: AnnouncerPort) {
  const unused = () => Promise.reject(new Error('not expected in this test'));
  return createLine({
    ...(announcer ? { announcer } : {}),
    bundle,
    identity: { identify: unused, verifyCard: unused, ...identity },
    services: { run: unused, ...services },
    records: new CallRecords(db, 'test'),
    clock: new SimulatedClock(),
    logger: createLogger({ level: 'silent' }),
    agents: { agent: 'sip:agents@example.test' },
    maxCallMs: 600_000,
  });
}

describe('call session', () => {
  it('plays the announcement that concerns the call, each piece in its language, and records which one', async () => {
    const asked: unknown[] = [];
    const announcer: AnnouncerPort = {
      announcementFor(call) {
        asked.push(call);
        return Promise.resolve({
          pieces: [{ key: 'title', text: 'Banca online caída', language: 'es' }, { key: 'workaround', text: 'ATMs work normally.', language: 'en' }],
          incidentIds: ['inc-1'], maintenanceIds: [], version: 'full',
        });
      },
    };
    const channel = new ScriptedChannel('2');
    const call = line({}, {}, announcer).startCall({ channel, from: '600111222', to: '950183313' });
    channel.input = call;
    await call.ended;
    expect(asked).toEqual([{ dialed: '950183313', caller: '+34600111222', language: 'en' }]);
    const ids = channel.prompts.map((p) => p.id);
    expect(ids.slice(ids.indexOf('announcement'), ids.indexOf('announcement') + 3)).toEqual(['announcement', 'announcement', 'main_menu']);
    expect(channel.prompts.filter((p) => p.id === 'announcement').map((p) => [p.text, p.language])).toEqual([['Banca online caída', 'es'], ['ATMs work normally.', 'en']]);
    const record = await new CallRecords(db, 'test').get(call.callId);
    expect(record?.transcript).toContainEqual(expect.objectContaining({ type: 'announcement', incidentIds: ['inc-1'], maintenanceIds: [], version: 'full' }));
  });

  it('goes on to the menu when the announcement cannot be looked up', async () => {
    const channel = new ScriptedChannel('1');
    const call = line({}, {}, { announcementFor: () => Promise.reject(new Error('store down')) }).startCall({ channel, from: '+34600111222', to: '950183313' });
    channel.input = call;
    await call.ended;
    expect(channel.prompts.map((p) => p.id)).toContain('main_menu');
    expect(channel.prompts.map((p) => p.id)).not.toContain('announcement');
  });

  it('tells the caller and records service_unavailable when the bank does not answer', async () => {
    const channel = new ScriptedChannel('1 1 1 1 12345678');
    const call = line({ identify: () => Promise.reject(new ClaveError('BANK_UNAVAILABLE', 'bank down')) }).startCall({ channel, from: '+34600111222', to: '950183313' });
    channel.input = call;
    // offer_agent listens once more; no key left: the caller hangs up, the outcome stays.
    expect((await call.ended).outcome).toBe('service_unavailable');
    expect(channel.prompts.map((p) => p.id)).toContain('service_unavailable');
    const record = await new CallRecords(db, 'test').get(call.callId);
    expect(record).toMatchObject({ state: 'ended', outcome: 'service_unavailable' });
  });

  it('ends with one outcome when a refused transfer leaves no agent', async () => {
    const channel = new ScriptedChannel('1 0');
    const call = line({}).startCall({ channel, from: '+34600111222', to: '950183313' });
    channel.input = call;
    expect((await call.ended).outcome).toBe('service_unavailable');
    expect(channel.prompts.map((p) => p.id)).toContain('transfer_failed');
    expect(channel.hungUpWith).toBe('service_unavailable');
    call.hangup();
    expect((await new CallRecords(db, 'test').get(call.callId))?.outcome).toBe('service_unavailable');
  });

  it('refuses a number no flow answers', () => {
    expect(() => line({}).startCall({ channel: new ScriptedChannel(''), from: '+34600111222', to: '123' })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_NUMBER' }) as Error,
    );
  });

  it('finds the flow with or without the country code', () => {
    const l = line({});
    for (const to of ['950183313', '+34950183313', '0034950183313']) {
      const channel = new ScriptedChannel('');
      const call = l.startCall({ channel, from: '+34600111222', to });
      channel.input = call;
      call.hangup();
    }
    expect(l.live.size).toBe(3);
  });
});
