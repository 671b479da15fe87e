/**
 * Real SIP calls against the running line: SIPp on loopback sends the
 * INVITE, the keys (SIP INFO or RFC 4733 from Debian's captures) and takes
 * the line's BYE; the outcome is checked through the API and the bank.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../src/call/index.ts';
import { callScenario } from './sipp/scenario.ts';
import { eventually, startTestLine, type TestLine } from './support/line.ts';
import { hasSipp, runSipp, SIPP_SKIP_REASON } from './support/sipp.ts';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const OPTIONS = fileURLToPath(new URL('./sipp/options.xml', import.meta.url));

describe.skipIf(!hasSipp)(`SIP calls${hasSipp ? '' : ` (skipped: ${SIPP_SKIP_REASON})`}`, () => {
  let line: TestLine;
  let target: string;
  beforeAll(async () => {
    line = await startTestLine({ sip: true });
    target = `127.0.0.1:${line.sip?.port ?? 0}`;
  }, 120_000);
  afterAll(async () => {
    await line?.close();
  });

  async function lastCallFrom(caller: string, since: string): Promise<CallRecord> {
    return eventually(async () => {
      const calls = await line.api<CallRecord[]>(`/api/calls?from=${encodeURIComponent(caller)}&state=ended`);
      return calls.find((c) => c.startedAt >= since && c.channel === 'sip');
    }, 20_000);
  }

  it('answers a trunk OPTIONS ping with 200 and Allow', async () => {
    const r = await runSipp({ scenario: await readFile(OPTIONS, 'utf8'), target, service: '950183313', caller: 'trunk' });
    expect(r.code, r.stdout + r.errors).toBe(0);
  });

  it('recovers an e-banking user with keys sent by SIP INFO', async () => {
    const since = new Date().toISOString();
    const r = await runSipp({
      scenario: callScenario({ keys: '2 1 1 1 12345678 4821 2580', mode: 'info' }),
      target,
      service: '950183313',
      caller: '+34600111222',
    });
    expect(r.code, r.stdout + r.errors).toBe(0);
    const call = await lastCallFrom('+34600111222', since);
    expect(call.outcome).toBe('ebanking_user_recovered');
    expect(call.language).toBe('en');
    expect((await line.bank.getCustomer('CUS-0001'))?.ebanking?.status).not.toBe('locked');
  }, 120_000);
});
