/**
 * Each of the five services by a real SIP call, twice: keys as RFC 4733
 * events (SIPp playing Debian's per-key captures) and as SIP INFO. A service
 * changes the bank once, so each DTMF mode gets a fresh line; its five calls
 * run at once, and the two lines side by side. Each call is judged by its record (GET /api/calls), whose
 * transcript must hold every key exactly once, and by the bank.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../src/call/index.ts';
import { endedSipCall, keysOf, promptsOf } from './sipp/call-records.ts';
import type { DtmfMode } from './sipp/scenario.ts';
import { sippCall, UNLOCK_LINE } from './sipp/sipp-call.ts';
import { eventually, startTestLine, type TestLine } from './support/line.ts';
import { hasSipp, SIPP_SKIP_REASON } from './support/sipp.ts';

const MARIA = '+34600111222';
const JOHN = '+34611222333';
const LUCIA = '+34633444555';

describe.skipIf(!hasSipp)(`five services by SIP${hasSipp ? '' : ` (skipped: ${SIPP_SKIP_REASON})`}`, () => {
  // The two modes' lines run side by side: ten calls at once, each of them mostly real-time prompts.
  describe.concurrent.each<DtmfMode>(['rfc4733', 'info'])('keys by %s', (mode) => {
    let line: TestLine;
    beforeAll(async () => {
      line = await startTestLine({ sip: true });
    }, 60_000);
    afterAll(async () => {
      await line?.close();
    });

    /** Calls, checks SIPp ended cleanly (the line's BYE answered) and returns the call's record. */
    async function call(caller: string, keys: string, recorded: string[]): Promise<CallRecord> {
      const r = await sippCall({ target: `127.0.0.1:${line.sip?.port ?? 0}`, caller, keys, mode, timeoutS: 75 });
      expect(r.code, r.stdout + r.errors).toBe(0);
      const record = await endedSipCall(line, { caller, menu: recorded.slice(0, 3) });
      expect(record).toMatchObject({ channel: 'sip', dialed: UNLOCK_LINE, caller, language: 'en', state: 'ended' });
      // Each key once: no press lost, none doubled by the end packet's three copies (RFC 4733 §2.5.1.4).
      expect(keysOf(record)).toEqual(recorded);
      expect(record.transcript.at(-1)).toMatchObject({ type: 'hangup', by: 'line' });
      return record;
    }

    async function smsTo(phone: string, pattern: RegExp): Promise<string> {
      return eventually(async () => {
        const texts = (await line.mailbox()).filter((m) => m.channel === 'sms' && m.to === phone).map((m) => pattern.exec(m.text)?.[1]);
        return texts.find((t) => t !== undefined);
      });
    }

    // Longest first (it reads the key twice): at most five tests run at once (vitest's maxConcurrency).
    it('SMS signing key read to María, live in the bank for its operation', async () => {
      const record = await call(MARIA, '2 3 2 1 12345678 55102938 4821 2580', ['2', '3', '2', '1', '12345678', '55102938', '4821', '****']);
      expect(record.outcome).toBe('signing_key_read');
      expect(promptsOf(record)).toEqual(expect.arrayContaining(['signing_key_operation', 'signing_key', 'signing_key_repeat']));
      // The key went by voice only: the bank holds one live key for the operation, which still awaits it.
      const live = await line.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM bank_secrets
          WHERE kind = 'signing_key' AND reference = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()`,
        ['55102938'],
      );
      expect(live[0]?.n).toBe(1);
      expect((await line.bank.findOperation({ customerId: 'CUS-0001', reference: '55102938' }))?.status).toBe('pending_signature');
    }, 90_000);

    it('e-banking user recovery (María)', async () => {
      expect((await line.bank.getCustomer('CUS-0001'))?.ebanking?.status).toBe('locked');
      const record = await call(MARIA, '2 1 1 1 12345678 4821 2580', ['2', '1', '1', '1', '12345678', '4821', '****']);
      expect(record.outcome).toBe('ebanking_user_recovered');
      expect(promptsOf(record).slice(-2)).toEqual(['ebanking_done', 'goodbye']);
      expect((await line.bank.getCustomer('CUS-0001'))?.ebanking?.status).toBe('password_change_required');
      const mail = await eventually(async () => (await line.mailbox()).find((m) => m.channel === 'email' && m.to === 'maria.garcia@example.es'));
      expect(mail.text).toContain('mgarcia');
      const password = await smsTo(MARIA, /password is (\S+) and/);
      expect(await line.post('/bank/ebanking/login', { username: 'mgarcia', password })).toMatchObject({ status: 200, body: { status: 'password_change_required' } });
    }, 90_000);

    it('phone-banking user recovery (John, NIE X = 0)', async () => {
      expect((await line.bank.getCustomer('CUS-0002'))?.phonebanking?.status).toBe('locked');
      const record = await call(JOHN, '2 1 2 2 0 1234567 1357 8642', ['2', '1', '2', '2', '0', '1234567', '1357', '****']);
      expect(record.outcome).toBe('phonebanking_user_recovered');
      expect((await line.bank.getCustomer('CUS-0002'))?.phonebanking?.status).not.toBe('locked');
      expect(await smsTo(JOHN, /access code is (\d+)/)).toMatch(/^\d{6}$/);
    }, 90_000);

    it('operation unlock (María), released in e-banking by the SMS code', async () => {
      const op = () => line.bank.findOperation({ customerId: 'CUS-0001', reference: '40718253' });
      expect((await op())?.status).toBe('blocked');
      const record = await call(MARIA, '2 2 1 12345678 40718253 4821 2580', ['2', '2', '1', '12345678', '40718253', '4821', '****']);
      expect(record.outcome).toBe('operation_unlocked');
      const code = await smsTo(MARIA, /operation 40718253: (\d+)/);
      expect(await line.post('/bank/ebanking/operations/40718253/unlock', { code })).toMatchObject({ status: 200, body: { status: 'unlocked' } });
      expect((await op())?.status).toBe('unlocked');
    }, 90_000);

    it('signature unlock (Lucía)', async () => {
      expect((await line.bank.getCustomer('CUS-0004'))?.signature.status).toBe('blocked');
      const record = await call(LUCIA, '2 3 1 1 71593024 1122 9517', ['2', '3', '1', '1', '71593024', '1122', '****']);
      expect(record.outcome).toBe('signature_unlocked');
      expect((await line.bank.getCustomer('CUS-0004'))?.signature.status).toBe('active');
    }, 90_000);
  });
});
