/**
 * The same line on a real PostgreSQL (DATABASE_URL): a whole story, counters
 * across a restart, and no secret in the dump.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase, POSTGRES_SKIP_REASON, testDatabaseUrl } from '../src/store/index.ts';
import { containsToken, dumpStore } from './support/dump.ts';
import { eventually, startTestLine } from './support/line.ts';

const GIULIA = '+34644555666';
const TO_CARD = '2 1 1 2 1 4829173';

describe.skipIf(!testDatabaseUrl())(`on PostgreSQL${testDatabaseUrl() ? '' : ` (skipped: ${POSTGRES_SKIP_REASON})`}`, () => {
  let fresh: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    fresh = await freshPostgresDatabase();
  });
  afterAll(async () => {
    await fresh?.drop();
  });

  it('recovers a user, keeps the lock count across a restart and stores no secret', async () => {
    let line = await startTestLine({ databaseUrl: fresh.url });
    expect(line.db.kind).toBe('postgres');
    const story = await line.call('+34600111222', '950183313', '2 1 1 1 12345678 4821 2580');
    expect(story.outcome).toBe('ebanking_user_recovered');
    const password = await eventually(async () => {
      const sms = (await line.mailbox()).find((m) => m.channel === 'sms' && m.to === '+34600111222');
      return sms ? /password is (\S+) and/.exec(sms.text)?.[1] : undefined;
    });
    expect(await line.post('/bank/ebanking/login', { username: 'mgarcia', password })).toMatchObject({ status: 200, body: { status: 'password_change_required' } });

    expect((await line.call(GIULIA, '950183313', `${TO_CARD} 5050 1111 5050 2222 5050 3333`)).outcome).toBe('verification_failed');
    expect((await line.call(GIULIA, '950183313', `${TO_CARD} 5050 4444`)).outcome).toBe('caller_hung_up');
    const dump = (await dumpStore(line.db)).replace(/"pvv":"\d+"/g, '"pvv":"-"');
    for (const secret of ['2580', '7413', '8642', '2024', password]) expect(containsToken(dump, secret)).toBe(false);
    await line.close();

    // A second process on the same database: the bank is not re-imported, the count goes on.
    line = await startTestLine({ databaseUrl: fresh.url });
    try {
      expect((await line.call(GIULIA, '950183313', `${TO_CARD} 5050 5555`)).outcome).toBe('verification_locked');
      expect((await line.call(GIULIA, '950183313', `${TO_CARD} 5050 2024`)).outcome).toBe('verification_locked');
      expect((await line.bank.getCustomer('CUS-0001'))?.ebanking?.status).not.toBe('locked');
    } finally {
      await line.close();
    }
  });
});
