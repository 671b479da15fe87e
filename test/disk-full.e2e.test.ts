/**
 * A full disk under the database. The line keeps its data (PGlite, then a
 * PostgreSQL server of the test's own) on a small tmpfs of the test's own; the test fills the rest of it with a
 * file, as a runaway log would. A caller then hears the apology instead of
 * silence (the call cannot even be recorded), `/healthz` and the log say the
 * disk is full once, and nothing is changed at the bank or sent. When the
 * file is removed, without restarting anything, the record of that call is
 * written, the health is ok again, and a new call recovers a user with its
 * messages.
 *
 * Mounting a tmpfs needs root (CAP_SYS_ADMIN): CI and the development
 * machines run as root; elsewhere the test skips and says so.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../src/call/index.ts';
import { ADMIN_TOKEN, eventually, prompts, startTestLine, type TestLine } from './support/line.ts';
import { PG_CLUSTER_SKIP_REASON, startPgCluster, type PgCluster } from './support/pg-cluster.ts';

const UNLOCK = '950183313';
const MARIA = '+34600111222';
const RECOVER_EBANKING = '2 1 1 1 12345678 4821 2580';
const OUTAGE = {
  status: 'identified', cause: 'technical_fault', components: [{ component: 'ebanking', impact: 'major_outage' }], markets: ['ES'],
  text: { es: { title: 'Banca online no disponible', message: 'No funciona.' }, en: { title: 'Online banking unavailable', message: 'It is not working.' } },
  publish: true,
};

/** A fresh tmpfs of `sizeMb`, or why there cannot be one here. */
function mountTmpfs(sizeMb: number): { dir: string } | { skip: string } {
  const dir = mkdtempSync(join(tmpdir(), 'clave-disk-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `cannot mount a tmpfs to fill (needs root): ${(err as Error).message.split('\n')[0]}` };
  }
}

/** Unmounts a tmpfs of mountTmpfs (lazily if something still holds it) and removes its mount point. */
async function unmount(dir: string): Promise<void> {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  }
  await rm(dir, { recursive: true, force: true });
}

/** Fills the file system under `dir` to the last byte, in one file; returns it. */
function fill(dir: string): string {
  const file = join(dir, 'runaway.log');
  const { bavail, bsize } = statfsSync(dir);
  writeFileSync(file, Buffer.alloc(bavail * bsize));
  return file;
}

/**
 * The story, whichever store is on the tmpfs `dir`: the disk fills, callers
 * hear the apology, the operator is told why, nothing changes at the bank or
 * goes out; the space is freed and everything comes back by itself.
 */
async function fullDiskStory(line: TestLine, dir: string): Promise<void> {
    // A fresh line: no call recorded yet, so the first record needs a new page of the calls table, which a
    // full disk cannot give (a table with room left in its pages takes rows until they are full).
    expect(await line.db.query('SELECT id FROM calls')).toEqual([]);
    expect(((await (await fetch(`${line.url}/healthz`)).json()) as { store: unknown }).store).toEqual({ kind: line.db.kind, state: 'ok' });
    const customer = await line.bank.getCustomer('CUS-0001');
    const filler = fill(dir);

    const refused = await line.call(MARIA, UNLOCK, RECOVER_EBANKING);
    expect(refused.outcome).toBe('service_unavailable');
    // No language was chosen: the apology in each of the line's languages.
    expect(prompts(refused)).toEqual(['technical_problem', 'technical_problem']);

    const health = (await (await fetch(`${line.url}/healthz`)).json()) as { status: string; store: { state: string; condition?: string; message?: string } };
    expect(health).toMatchObject({ status: 'degraded', store: { state: 'failing', condition: 'disk_full' } });
    expect(health.store.message).toMatch(/^the database's disk is full: nothing can be written until space is freed \(SQLSTATE 53100: could not (extend|write)/);
    const said = line.logLines.filter((l) => l.includes('the database is failing: the database\'s disk is full'));
    expect(said).toHaveLength(1);
    expect(JSON.parse(said[0]!)).toMatchObject({ level: 50, store: { condition: 'disk_full' } });

    // An operator declaring the incident meanwhile is told why it cannot be saved, and when to try again.
    const declared = await fetch(`${line.url}/api/incidents`, {
      method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(OUTAGE),
    });
    expect(declared.status).toBe(503);
    expect(declared.headers.get('retry-after')).toBe('30');
    const refusal = (await declared.json()) as { error: string; code: string; message: string };
    expect(refusal).toMatchObject({ error: 'store_unavailable', code: 'STORE_UNAVAILABLE' });
    expect(refusal.message).toMatch(/^the database's disk is full/);

    // A second caller meanwhile: the same, and still one line in the log for the condition.
    expect((await line.call(MARIA, UNLOCK, '2')).outcome).toBe('service_unavailable');
    expect(line.logLines.filter((l) => l.includes('"msg":"the database is failing')).length).toBe(1);
    // Their records wait in memory for the database, not lost.
    expect(line.line.stats().pendingRecords).toBe(2);
    expect(await line.bank.getCustomer('CUS-0001')).toEqual(customer);

    // Space is freed; nothing is restarted.
    rmSync(filler);
    const record = await eventually(async () => {
      const r = await line.api<CallRecord>(`/api/calls/${refused.callId}`).catch(() => undefined);
      return r?.state === 'ended' ? r : undefined;
    }, 30_000);
    expect(record).toMatchObject({ outcome: 'service_unavailable', caller: MARIA, dialed: UNLOCK });
    expect(record.transcript).toContainEqual(expect.objectContaining({ type: 'note', text: 'the call could not be recorded: the database failed: disk full' }));
    await eventually(async () => {
      const h = (await (await fetch(`${line.url}/healthz`)).json()) as { store: { state: string } };
      return h.store.state === 'ok' ? h : undefined;
    }, 40_000);
    expect(line.logLines.some((l) => l.includes('the database works again'))).toBe(true);

    const again = await line.call(MARIA, UNLOCK, RECOVER_EBANKING);
    expect(again.outcome).toBe('ebanking_user_recovered');
    const sent = await line.api<{ channel: string }[]>(`/api/outbox?correlationId=${encodeURIComponent(again.callId)}`);
    expect(sent.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    // Nothing was sent for the calls the full disk turned away.
    expect(await line.api<unknown[]>(`/api/outbox?correlationId=${encodeURIComponent(refused.callId)}`)).toEqual([]);
}

const probe = mountTmpfs(1);
const skip = 'skip' in probe ? probe.skip : undefined;
if ('dir' in probe) await unmount(probe.dir);

describe.skipIf(skip !== undefined)(`a full disk under the database${skip ? ` (skipped: ${skip})` : ''}`, () => {
  describe('the embedded database (PGlite)', () => {
    let dir = '';
    let line: TestLine;
    beforeAll(async () => {
      dir = (mountTmpfs(160) as { dir: string }).dir;
      line = await startTestLine({ persistent: true, dataDir: join(dir, 'data') });
    }, 120_000);
    afterAll(async () => {
      await line?.close({ keepData: true });
      if (dir) await unmount(dir);
    });

    it('the caller hears the apology, the operator sees why, nothing changes; freeing space brings it all back', () => fullDiskStory(line, dir), 120_000);
  });

  describe.skipIf(PG_CLUSTER_SKIP_REASON !== undefined)(`PostgreSQL${PG_CLUSTER_SKIP_REASON ? ` (skipped: ${PG_CLUSTER_SKIP_REASON})` : ''}`, () => {
    let dir = '';
    let pg: PgCluster | undefined;
    let line: TestLine;
    beforeAll(async () => {
      dir = (mountTmpfs(256) as { dir: string }).dir;
      pg = await startPgCluster({ parent: dir });
      line = await startTestLine({ databaseUrl: pg.url });
    }, 120_000);
    afterAll(async () => {
      await line?.close();
      await pg?.destroy();
      if (dir) await unmount(dir);
    });

    it('the same, with the server’s own disk full (SQLSTATE 53100 from PostgreSQL)', () => fullDiskStory(line, dir), 120_000);
  });
});
