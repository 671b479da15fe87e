/**
 * Issue 6, surge handling, from the outside: a hand-made SIP caller on
 * loopback UDP against the real SIP stack, RTP media and line (with its
 * admission control), no mocks between the socket and the call record.
 * Prompt audio is a plain tone per prompt (speech synthesis is another
 * test's business), and the media says which prompts it was asked for.
 *
 * reject: the caller beyond capacity gets 503 with Retry-After.
 * announce: it is answered, hears the refusal (RTP), gets a BYE, and the
 * call is recorded refused_at_capacity; beyond the refusals' bound, 503.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallRecords, createLine, type AdmissionOptions } from '../src/call/index.ts';
import { createRtpMedia, startSipServer, type RtpMedia, type SipServer } from '../src/channel/index.ts';
import { loadFlows, type FlowBundle } from '../src/flow/index.ts';
import { createLogger } from '../src/log/index.ts';
import { systemClock } from '../src/shared/index.ts';
import { migrate, openPglite, type Db } from '../src/store/index.ts';
import { eventually } from './support/line.ts';
import { UdpSipCaller } from './support/udp-sip-caller.ts';

const UNLOCK = '950183313';
const PROMPT_MS = 1000;

let db: Db;
let bundle: FlowBundle;
beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  bundle = await loadFlows();
}, 60_000);
afterAll(async () => {
  await db?.close();
});

/** A tone of PROMPT_MS for any prompt, at 8 kHz. */
function tone(): Int16Array {
  const samples = new Int16Array((8000 * PROMPT_MS) / 1000);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000));
  return samples;
}

interface TestSipLine {
  port: number;
  asked: string[];
  records: CallRecords;
  close(): Promise<void>;
}

async function startLine(admission: AdmissionOptions, ports: { min: number; max: number }): Promise<TestSipLine> {
  const logger = createLogger({ level: 'silent' });
  const unused = () => Promise.reject(new Error('not expected in this test'));
  const records = new CallRecords(db, 'sip-capacity');
  const line = createLine({
    bundle, records, logger, admission,
    identity: { identify: unused, verifyCard: unused },
    services: { run: unused },
    clock: systemClock,
    agents: {},
    maxCallMs: 60_000,
    announcer: {
      announcementFor: () => Promise.resolve({ pieces: [{ key: 'inc.title', text: 'La banca online no funciona', language: 'es' }], incidentIds: ['inc-9'], maintenanceIds: [], version: 'full' }),
    },
  });
  const asked: string[] = [];
  const audio = tone();
  const media: RtpMedia = createRtpMedia({
    host: '127.0.0.1',
    ports,
    prompts: {
      getPromptAudio: (p) => {
        asked.push(`${p.id}/${p.language}`);
        return Promise.resolve(audio);
      },
    },
  });
  const sip: SipServer = await startSipServer({ host: '127.0.0.1', port: 0, clock: systemClock, logger, line, media });
  return {
    port: sip.port,
    asked,
    records,
    async close() {
      for (const call of line.live.values()) call.terminate('test over');
      await sip.close();
      await media.close();
      await line.close();
    },
  };
}

const caller = (n: number) => `+3460077${String(n).padStart(4, '0')}`;

describe('a full line over SIP', () => {
  it('reject: 503 with Retry-After to the caller beyond capacity; the call in progress goes on', async () => {
    const line = await startLine({ maxCalls: 1, atCapacity: 'reject', retryAfterSeconds: 20 }, { min: 47100, max: 47199 });
    const a = await UdpSipCaller.open();
    const b = await UdpSipCaller.open();
    try {
      expect(await a.invite({ target: `127.0.0.1:${line.port}`, dialed: UNLOCK, from: caller(1) })).toBe(200);
      expect(await b.invite({ target: `127.0.0.1:${line.port}`, dialed: UNLOCK, from: caller(2) })).toBe(503);
      const refused = b.messages.find((m) => m.status === 503);
      expect(refused?.headers.get('retry-after')).toEqual(['20']);
      // No RTP, no BYE for the refused caller; the first caller hears its language menu.
      await eventually(() => (a.rtp.length > 10 ? true : undefined), 5000);
      expect(b.rtp).toEqual([]);
      expect(a.lineHungUp).toBe(false);
      expect(line.asked).toEqual(['language_menu/es']);
    } finally {
      await a.bye();
      await b.bye();
      await line.close();
    }
    expect(await line.records.list({ from: caller(2) })).toEqual([]);
  }, 30_000);

  it('announce: the caller beyond capacity hears the announcement and that the lines are busy, then a BYE; refused_at_capacity is recorded', async () => {
    const line = await startLine({ maxCalls: 1, atCapacity: 'announce' }, { min: 47200, max: 47299 });
    const [a, b, c] = await Promise.all([UdpSipCaller.open(), UdpSipCaller.open(), UdpSipCaller.open()]);
    try {
      expect(await a.invite({ target: `127.0.0.1:${line.port}`, dialed: UNLOCK, from: caller(11) })).toBe(200);
      expect(await b.invite({ target: `127.0.0.1:${line.port}`, dialed: UNLOCK, from: caller(12) })).toBe(200);
      // While the refusal plays, the refusals' own bound (1.25 × 1, at least 2 in all) is reached: 503.
      expect(await c.invite({ target: `127.0.0.1:${line.port}`, dialed: UNLOCK, from: caller(13) })).toBe(503);
      expect(c.messages.find((m) => m.status === 503)?.headers.get('retry-after')).toEqual(['10']);
      await eventually(() => (b.lineHungUp ? true : undefined), 15_000);
      // Three prompts of a second each went out as RTP before the BYE.
      expect(b.rtp.length).toBeGreaterThanOrEqual(140);
      expect(a.lineHungUp).toBe(false);
    } finally {
      await Promise.all([a.bye(), b.bye(), c.bye()]);
    }
    const [record] = await eventually(async () => {
      const calls = await line.records.list({ from: caller(12), state: 'ended' });
      return calls.length > 0 ? calls : undefined;
    }, 5000);
    expect(record).toMatchObject({ channel: 'sip', outcome: 'refused_at_capacity', dialed: UNLOCK, path: [] });
    expect(record?.transcript.flatMap((t) => (t.type === 'prompt' ? [t.id] : []))).toEqual(['announcement', 'lines_busy', 'lines_busy']);
    expect(line.asked).toEqual(expect.arrayContaining(['language_menu/es', 'announcement/es', 'lines_busy/es', 'lines_busy/en']));
    expect(await line.records.list({ from: caller(13) })).toEqual([]);
    await line.close();
  }, 30_000);
});
