/**
 * Delivery across process deaths and processes side by side, on a real
 * PostgreSQL and a real SMS centre: a Clave killed with SIGKILL mid-batch
 * loses nothing when it comes back, and sends again only what the centre
 * may already have taken (identical text); two Clave processes on one
 * database never both send a message.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateKeys } from '../src/crypto/index.ts';
import { createOutbox, startTestSmsc, type OutboxMessageInput, type TestSmsc } from '../src/notify/index.ts';
import { Sensitive, systemClock } from '../src/shared/index.ts';
import { freshPostgresDatabase, migrate, openPostgres, POSTGRES_SKIP_REASON, testDatabaseUrl, type Db } from '../src/store/index.ts';
import { startClaveProcess, type ClaveProcess } from './support/clave-process.ts';
import { eventually } from './support/line.ts';
import { freePort } from './support/sipp.ts';

const phone = (i: number) => `+3460${String(i).padStart(7, '0')}`;

/** `count` access-code SMS, each to its own number, pending in the outbox at `url`. */
async function enqueueBatch(db: Db, dataDir: string, count: number): Promise<void> {
  const keys = await loadOrCreateKeys(dataDir);
  const outbox = createOutbox({ clock: systemClock, dataKey: keys.dataKey });
  const messages: OutboxMessageInput[] = Array.from({ length: count }, (_, i) => ({
    channel: 'sms', to: phone(i), language: 'es', template: 'phonebanking_access_code',
    params: { validMinutes: '30' }, secret: new Sensitive(String(100000 + i)), expiresAt: new Date(Date.now() + 30 * 60_000),
  }));
  await db.transaction((tx) => outbox.enqueue(tx, messages));
}

async function statusCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM notify_outbox GROUP BY status');
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

describe.skipIf(!testDatabaseUrl())(`delivery across processes${testDatabaseUrl() ? '' : ` (skipped: ${POSTGRES_SKIP_REASON})`}`, () => {
  let fresh: { url: string; drop(): Promise<void> };
  let db: Db;
  let dataDir: string;
  let smsc: TestSmsc;
  const processes: ClaveProcess[] = [];

  beforeAll(async () => {
    fresh = await freshPostgresDatabase();
    db = openPostgres(fresh.url);
    await migrate(db);
    dataDir = await mkdtemp(join(tmpdir(), 'clave-delivery-'));
  });
  afterAll(async () => {
    for (const p of processes) p.kill('SIGKILL');
    await smsc?.close();
    await db?.close();
    await fresh?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start(extra: Record<string, string> = {}): Promise<ClaveProcess> {
    const p = startClaveProcess({
      DATABASE_URL: fresh.url,
      CLAVE_DATA_DIR: dataDir,
      CLAVE_HTTP_PORT: String(await freePort()),
      CLAVE_SIP_PORT: 'off',
      CLAVE_SMPP_URL: smsc.url,
      CLAVE_OUTBOX_LEASE_SECONDS: '4',
      ...extra,
    });
    processes.push(p);
    return p;
  }

  it('a process killed mid-batch: after a restart every message is sent, a duplicate only where the answer was lost, with identical text', async () => {
    const COUNT = 60;
    smsc = await startTestSmsc({ responseDelayMs: 150 });
    await db.query('DELETE FROM notify_outbox');
    await enqueueBatch(db, dataDir, COUNT);
    const first = await start({ CLAVE_OUTBOX_BATCH: '20' });
    await eventually(() => (smsc.submits.length >= 15 ? true : undefined), 60_000);
    first.kill('SIGKILL');
    await first.exited;
    const beforeKill = smsc.submits.map((s) => ({ to: s.destination, text: s.text, answered: s.status !== null }));
    expect(beforeKill.length).toBeLessThan(COUNT);

    smsc.setBehaviour({ responseDelayMs: 0 });
    const second = await start();
    await eventually(async () => ((await statusCounts(db))['sent'] === COUNT ? true : undefined), 60_000);
    second.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    // Every message reached the centre.
    const byNumber = new Map<string, string[]>();
    for (const s of smsc.submits) byNumber.set(s.destination, [...(byNumber.get(s.destination) ?? []), s.text]);
    expect(byNumber.size).toBe(COUNT);
    // Sent twice only when the first process died before recording the outcome, and always the same text and code.
    const twice = [...byNumber.entries()].filter(([, texts]) => texts.length > 1);
    for (const [number, texts] of twice) {
      expect(new Set(texts).size).toBe(1);
      expect(beforeKill.some((s) => s.to === number)).toBe(true);
    }
    expect([...byNumber.values()].every((texts) => texts.length <= 2)).toBe(true);
    // The kill landed mid-batch: submits awaiting their answer were lost with the process, and went again.
    const inFlight = beforeKill.filter((s) => !s.answered);
    expect(inFlight.length).toBeGreaterThan(0);
    for (const s of inFlight) expect(byNumber.get(s.to)).toHaveLength(2);
    // Those went through a lost lease, which the record shows.
    const leaseLost = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM notify_attempts WHERE outcome = 'lease_lost'");
    expect(leaseLost[0]?.n).toBeGreaterThanOrEqual(twice.length);
    // No secret survives in the store once sent.
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notify_outbox WHERE secret_sealed IS NOT NULL'))[0]?.n).toBe(0);
  }, 180_000);

  it('two processes on one PostgreSQL deliver one batch with no message sent by both', async () => {
    const COUNT = 200;
    await smsc?.close();
    smsc = await startTestSmsc({ responseDelayMs: 5 });
    await db.query('DELETE FROM notify_outbox');
    await enqueueBatch(db, dataDir, COUNT);
    const [a, b] = await Promise.all([start({ CLAVE_LOG_LEVEL: 'info', CLAVE_OUTBOX_BATCH: '10' }), start({ CLAVE_LOG_LEVEL: 'info', CLAVE_OUTBOX_BATCH: '10' })]);
    await eventually(async () => ((await statusCounts(db))['sent'] === COUNT ? true : undefined), 120_000);
    expect(smsc.submits).toHaveLength(COUNT);
    expect(new Set(smsc.submits.map((s) => s.destination)).size).toBe(COUNT);
    const accepted = (p: ClaveProcess) => p.output().split('\n').filter((l) => l.includes('notify: accepted by the provider')).length;
    // Each process logs its acceptances after recording them: the last lines may still be on their way.
    await eventually(() => (accepted(a) + accepted(b) >= COUNT ? true : undefined), 10_000);
    expect(accepted(a) + accepted(b)).toBe(COUNT);
    // Both took part (each binds its own SMPP session).
    expect(smsc.binds).toBeGreaterThanOrEqual(2);
    a.kill('SIGTERM');
    b.kill('SIGTERM');
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
  }, 180_000);
});
