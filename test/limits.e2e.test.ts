/**
 * Failed verifications are counted per customer across calls and restarts:
 * five within 24 hours lock self-service, and concurrent calls cannot share
 * out a sixth try.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prompts, startTestLine, type TestLine } from './support/line.ts';

const GIULIA = '+34644555666';
const UNLOCK = '950183313';
// English, user menu, e-banking, NIE, Y = 1, 7 digits, then card and PIN attempts.
const TO_CARD = '2 1 1 2 1 4829173';

const open: TestLine[] = [];
afterAll(async () => {
  for (const line of open) await line.close().catch(() => {});
});

describe('verification limits', () => {
  it('locks self-service after 5 failures, across a restart, and says so at the next call', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'clave-limits-'));
    try {
      let line = await startTestLine({ persistent: true, dataDir });
      const first = await line.call(GIULIA, UNLOCK, `${TO_CARD} 5050 1111 5050 2222 5050 3333`);
      expect(first.outcome).toBe('verification_failed');
      const second = await line.call(GIULIA, UNLOCK, `${TO_CARD} 5050 4444`);
      expect(second.outcome).toBe('caller_hung_up');
      await line.close({ keepData: true });

      line = await startTestLine({ persistent: true, dataDir });
      open.push(line);
      // The fifth failure, after the restart, locks.
      const fifth = await line.call(GIULIA, UNLOCK, `${TO_CARD} 5050 5555`);
      expect(fifth.outcome).toBe('verification_locked');
      // Even the right PIN is not tried any more.
      const next = await line.call(GIULIA, UNLOCK, `${TO_CARD} 5050 2024`);
      expect(next.outcome).toBe('verification_locked');
      expect(prompts(next)).toContain('verification_locked');
      expect(next.events.some((e) => e.type === 'transfer')).toBe(true);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('gives two concurrent calls at four failures one try between them', async () => {
    const line = await startTestLine();
    open.push(line);
    const setup = await line.call(GIULIA, UNLOCK, `${TO_CARD} 5050 1111 5050 2222 5050 3333`);
    expect(setup.outcome).toBe('verification_failed');
    expect((await line.call(GIULIA, UNLOCK, `${TO_CARD} 5050 4444`)).outcome).toBe('caller_hung_up');

    // Both wrong: whichever comes second must not reach the bank with a sixth try.
    const both = await Promise.all([line.call(GIULIA, UNLOCK, `${TO_CARD} 5050 5555`), line.call(GIULIA, UNLOCK, `${TO_CARD} 5050 6666`)]);
    expect(both.map((r) => r.outcome).sort()).toEqual(['verification_locked', 'verification_locked']);
    const failures = await line.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM identity_attempts WHERE customer_id = 'CUS-0005' AND status = 'failed'",
    );
    expect(failures[0]?.n).toBe(5);
  });
});
