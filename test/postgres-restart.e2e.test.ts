/**
 * Issue 6, data stores under fault: the PostgreSQL server itself stopped
 * (pg_ctl stop -m fast) and started again under calls, with the line
 * running as `npm start` runs it, in its own process. The test owns the
 * cluster (initdb in a temporary folder), since it stops it.
 *
 * In progress when the server stops:
 *  - a service call whose credential change the bank has made but whose
 *    answer is slow (the bank drill "slow"): the change cannot be settled;
 *  - a softphone caller waiting at the document menu, and a SIPp caller at
 *    the language menu, who go on keying after the stop.
 * Each hears the apology and the line hangs up (outcome service_unavailable);
 * a caller arriving meanwhile hears the last-known announcement and the
 * apology. Once the server is back, without restarting Clave, the records
 * of those calls are written, a new call recovers a user, and nothing is
 * half-written: every change at the bank has its action and its messages in
 * the outbox, a change not yet settled keeps its messages held (never sent),
 * and no message exists or went out without its change.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../src/call/index.ts';
import { SoftphoneCall, type CallResult } from '../src/channel/index.ts';
import { openPostgres, type Db } from '../src/store/index.ts';
import { sippCall } from './sipp/sipp-call.ts';
import { startClaveProcess, type ClaveProcess } from './support/clave-process.ts';
import { ADMIN_TOKEN, eventually, prompts } from './support/line.ts';
import { PG_CLUSTER_SKIP_REASON, startPgCluster, type PgCluster } from './support/pg-cluster.ts';
import { hasSipp, SIPP_SKIP_REASON } from './support/sipp.ts';

const UNLOCK = '950183313';
const MARIA = '+34600111222';
const JOHN = '+34611222333';
const ANTONIO = '+34622333444';
const LUCIA = '+34633444555';
const GIULIA = '+34644555666';
const SLOW_BANK_MS = 3500;
const APOLOGY = { es: 'Lo sentimos', en: 'We are sorry' };
const OUTAGE = {
  status: 'identified', cause: 'technical_fault', components: [{ component: 'ebanking', impact: 'major_outage' }], markets: ['ES'],
  text: {
    es: { title: 'Banca online no disponible', message: 'La banca online no funciona.' },
    en: { title: 'Online banking unavailable', message: 'Online banking is not working.' },
  },
  publish: true,
};

const reason = PG_CLUSTER_SKIP_REASON ?? (hasSipp ? undefined : SIPP_SKIP_REASON);

/**
 * A softphone caller pressing one scripted key each time the line listens
 * (announcements are let play); with the script spent, it waits, and
 * `waiting` says at which node.
 */
function caller(server: string, from: string, keys: string): { call: SoftphoneCall; waiting: Promise<string>; press(more: string): void } {
  const script = [...keys.replace(/\s/g, '')];
  let listening: { node: string } | undefined;
  let reached!: (node: string) => void;
  const waiting = new Promise<string>((resolve) => (reached = resolve));
  const call = SoftphoneCall.dial({
    server, from, to: UNLOCK, timeoutMs: 45_000,
    onMessage(msg, c) {
      if (msg.type !== 'listen' || msg.node === 'announce') return;
      const key = script.shift();
      if (key !== undefined) c.pressKey(key);
      else {
        listening = { node: msg.node };
        reached(msg.node);
      }
    },
  });
  return {
    call,
    waiting,
    press(more) {
      script.push(...more.replace(/\s/g, ''));
      if (listening) {
        listening = undefined;
        call.pressKey(script.shift()!);
      }
    },
  };
}

describe.skipIf(reason !== undefined)(`PostgreSQL stopped and started under calls${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let pg: PgCluster;
  let db: Db;
  let line: ClaveProcess;
  let dataDir: string;
  let url: string;
  let sipPort: number;
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const api = async <T>(path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(url + path, body === undefined ? { headers: auth } : { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as T };
  };

  beforeAll(async () => {
    pg = await startPgCluster();
    // The test's own view of the store, for the checks (its pool reconnects after the restart).
    db = openPostgres(pg.url, { max: 2, connectTimeoutMs: 1000 });
    dataDir = await mkdtemp(join(tmpdir(), 'clave-pg-restart-'));
    line = startClaveProcess({
      DATABASE_URL: pg.url, CLAVE_DATA_DIR: dataDir, CLAVE_HTTP_PORT: '0', CLAVE_SIP_PORT: '0', CLAVE_SHUTDOWN_GRACE_SECONDS: '1',
      // The drilled bank answers after SLOW_BANK_MS; the deadline lets it.
      CLAVE_BANK_DEADLINE_MS: '8000',
    });
    await line.ready();
    url = /Clave is answering on (\S+)/.exec(line.output())![1]!;
    sipPort = Number(/SIP:\s+udp and tcp on \S+:(\d+)/.exec(line.output())![1]);
  }, 60_000);
  afterAll(async () => {
    if (line && line.child.exitCode === null) {
      line.kill('SIGTERM');
      await Promise.race([line.exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (line.child.exitCode === null) line.kill('SIGKILL');
    }
    await db?.close();
    await pg?.destroy();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('calls in progress hear the apology, a new caller the last-known announcement; the line recovers by itself and nothing is half-written', async () => {
    expect((await api('/api/incidents', OUTAGE)).status).toBe(201);
    expect((await api('/bank/drill', { mode: 'slow', delayMs: SLOW_BANK_MS })).status).toBe(200);

    // María recovers her e-banking user; the bank makes the change at once and answers SLOW_BANK_MS later.
    const maria = caller(url, MARIA, '2 1 1 1 12345678 4821 2580');
    const [action] = await eventually(async () => {
      const rows = await db.query<{ id: string }>("SELECT id FROM services_actions WHERE status = 'started'");
      return rows.length > 0 ? rows : undefined;
    }, 30_000);
    // Meanwhile John (Spanish) reaches the document menu, and Giulia calls over SIP: she keys after 4 s, during
    // the announcement (her second key skips it and answers the main menu).
    const john = caller(url, JOHN, '1 1 1');
    const giulia = sippCall({ target: `127.0.0.1:${sipPort}`, caller: GIULIA, keys: '2 1 1 2 1 4829173', mode: 'rfc4733', startMs: 4000, timeoutS: 40 });
    expect(await john.waiting).toBe('document');
    await eventually(async () => ((await db.query("SELECT 1 FROM calls WHERE caller = $1 AND state = 'live'", [GIULIA])).length > 0 ? true : undefined), 3000);
    const [changed] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bank_idempotency WHERE idempotency_key = $1 AND response IS NOT NULL', [action!.id]);
    expect(changed?.n).toBe(1);

    await pg.stop();
    const stoppedAt = Date.now();
    // The slow answer comes back to a store that is gone: the change cannot be settled.
    const mariaEnd: CallResult = await maria.call.result;
    expect(mariaEnd.outcome).toBe('service_unavailable');
    expect(prompts(mariaEnd).at(-1)).toBe('technical_problem');
    expect(mariaEnd.events.at(-1)).toEqual({ type: 'hangup', by: 'line' });
    expect(Date.now() - stoppedAt).toBeLessThan(SLOW_BANK_MS + 5000);

    // John keys his NIE: identification needs the store, so he hears the apology, in Spanish.
    john.press('2 0 1234567');
    const johnEnd = await john.call.result;
    expect(johnEnd.outcome).toBe('service_unavailable');
    const johnApology = johnEnd.events.at(-2);
    expect(johnApology).toMatchObject({ type: 'prompt', id: 'technical_problem' });
    expect(johnApology?.type === 'prompt' && johnApology.text).toContain(APOLOGY.es);

    // A new caller: the call cannot even be recorded; the last-known announcement, then the apology in both languages.
    const antonio = await caller(url, ANTONIO, '').call.result;
    expect(antonio.outcome).toBe('service_unavailable');
    const heard = antonio.events.flatMap((e) => (e.type === 'prompt' ? [e] : []));
    const announced = heard.slice(0, -2);
    expect(announced.length).toBeGreaterThan(0);
    expect(announced.every((p) => p.id === 'announcement')).toBe(true);
    expect(announced.map((p) => p.text).join(' ')).toContain('La banca online no funciona.');
    expect(heard.slice(-2).map((p) => p.id)).toEqual(['technical_problem', 'technical_problem']);
    expect(heard.at(-2)?.text).toContain(APOLOGY.es);
    expect(heard.at(-1)?.text).toContain(APOLOGY.en);

    // Giulia's identification fails the same way: the apology, then the line's BYE, which SIPp answers.
    const sip = await giulia;
    expect(sip.code, sip.stdout + sip.errors).toBe(0);

    // The server comes back; Clave is not restarted.
    await pg.start();
    expect((await api('/bank/drill', { mode: 'ok' })).status).toBe(200);
    await eventually(async () => {
      const health = (await (await fetch(`${url}/healthz`)).json()) as { bank: { available: boolean } };
      return health.bank.available ? true : undefined;
    }, 20_000);
    // The records of the calls the outage ended are written by themselves.
    const ended = await eventually(async () => {
      const res = await fetch(`${url}/api/calls?outcome=service_unavailable&limit=20`, { headers: auth });
      const calls = res.ok ? ((await res.json()) as CallRecord[]) : [];
      return calls.length === 4 ? calls : undefined;
    }, 20_000);
    const byCaller = new Map(ended.map((c) => [c.caller, c]));
    expect([...byCaller.keys()].sort()).toEqual([MARIA, JOHN, ANTONIO, GIULIA].sort());
    for (const record of ended) {
      expect(record.state, record.caller).toBe('ended');
      expect(record.transcript, record.caller).toContainEqual(expect.objectContaining({ type: 'prompt', id: 'technical_problem' }));
    }
    expect(byCaller.get(GIULIA)?.channel).toBe('sip');
    expect(byCaller.get(GIULIA)?.language).toBe('en');
    expect(byCaller.get(ANTONIO)?.transcript).toContainEqual(expect.objectContaining({ type: 'announcement', stale: true }));

    const lucia = await caller(url, LUCIA, '2 1 1 1 71593024 1122 9517').call.result;
    expect(lucia.outcome).toBe('ebanking_user_recovered');

    // Nothing half-written.
    const actions = await db.query<{ id: string; status: string; message_ids: string[]; call_id: string }>('SELECT id, status, message_ids, call_id FROM services_actions');
    const messages = new Map((await db.query<{ id: string; status: string }>('SELECT id, status FROM notify_outbox')).map((m) => [m.id, m.status]));
    const atBank = new Set((await db.query<{ key: string }>('SELECT idempotency_key AS key FROM bank_idempotency WHERE response IS NOT NULL')).map((r) => r.key));
    const owned = new Set<string>();
    for (const a of actions) {
      // Every action was written with its messages, in one transaction.
      expect(a.message_ids.length, a.id).toBeGreaterThan(0);
      const statuses = a.message_ids.map((id) => messages.get(id));
      expect(statuses.every((s) => s !== undefined), a.id).toBe(true);
      a.message_ids.forEach((id) => owned.add(id));
      if (a.status === 'done') {
        expect(atBank.has(a.id), a.id).toBe(true);
        expect(statuses.some((s) => s === 'held' || s === 'cancelled'), a.id).toBe(false);
      } else if (a.status === 'started') {
        // In doubt until reconciliation asks the bank again: its messages are held, never sent.
        expect(statuses.every((s) => s === 'held'), a.id).toBe(true);
      } else {
        expect(atBank.has(a.id), a.id).toBe(false);
        expect(statuses.every((s) => s === 'cancelled'), a.id).toBe(true);
      }
    }
    // Every change at the bank belongs to an action, with its messages in the outbox.
    for (const key of atBank) expect(actions.some((a) => a.id === key && a.status !== 'failed' && a.status !== 'cancelled'), key).toBe(true);
    // No message without its action.
    expect([...messages.keys()].filter((id) => !owned.has(id))).toEqual([]);
    // The case that matters happened: María's change is at the bank, unsettled, its messages held; Lucía's went through.
    expect(actions.find((a) => a.id === action!.id)).toMatchObject({ status: 'started' });
    expect(atBank.has(action!.id)).toBe(true);
    expect(actions.filter((a) => a.status === 'done')).toHaveLength(1);
    // Lucía's messages go out; nothing reached María: no SMS, no e-mail.
    const mailbox = await eventually(async () => {
      const box = (await api<{ to: string }[]>('/dev/mailbox')).body;
      return box.filter((m) => m.to === LUCIA || m.to === 'lucia.fernandez@example.es').length === 2 ? box : undefined;
    }, 10_000);
    expect(mailbox.filter((m) => m.to === MARIA || m.to === 'maria.garcia@example.es')).toEqual([]);
  }, 90_000);
});
