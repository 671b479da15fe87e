/**
 * The signing key by call-back, over real SIP on loopback: two operators put
 * the line in the heightened security mode; María asks for her signing key
 * by a SIPp call and is told she will be called back; the line then calls
 * her registered mobile through the trunk, where a SIPp callee answers,
 * presses 1, hears the operation and the key, and takes the line's BYE.
 * Judged by SIPp's own log (what the phone received), the call records, the
 * call-back queue and the bank.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../src/call/index.ts';
import type { CallbackView } from '../src/callback/index.ts';
import { endedSipCall, keysOf, promptsOf } from './sipp/call-records.ts';
import { startSippCallee } from './sipp/callee.ts';
import { sippCall } from './sipp/sipp-call.ts';
import { eventually, startTestLine, type TestLine } from './support/line.ts';
import { freePort, hasSipp, SIPP_SKIP_REASON } from './support/sipp.ts';

const MARIA = '+34600111222';
const REFERENCE = '55102938';
/** The trunk's account for the line (its first test's trunk challenges the call-back). */
const TRUNK_ACCOUNT = { username: 'clave-line', password: 'Tr0nk-pass-7391' };

describe.skipIf(!hasSipp)(`signing key by call-back over SIP${hasSipp ? '' : ` (skipped: ${SIPP_SKIP_REASON})`}`, () => {
  let line: TestLine;
  let trunkPort: number;
  let tokens: { ana: string; bea: string };

  beforeAll(async () => {
    trunkPort = await freePort();
    line = await startTestLine({
      sip: true,
      env: {
        CLAVE_SIP_TRUNK: `sip:127.0.0.1:${trunkPort}`, CLAVE_CALLBACK_RING_SECONDS: '10',
        CLAVE_SIP_TRUNK_USER: TRUNK_ACCOUNT.username, CLAVE_SIP_TRUNK_PASSWORD: TRUNK_ACCOUNT.password,
      },
    });
    tokens = { ana: (await line.operators.add('ana')).token.reveal(), bea: (await line.operators.add('bea')).token.reveal() };
  }, 60_000);
  afterAll(async () => {
    await line?.close();
  });

  async function post(path: string, body: unknown, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(line.url + path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function switchMode(mode: string, reason: string): Promise<void> {
    const proposed = await post('/api/security-mode', { mode, reason }, tokens.ana);
    expect(proposed.status).toBe(202);
    expect((await post(`/api/security-mode/changes/${String(proposed.body['id'])}/approve`, {}, tokens.bea)).status).toBe(200);
  }

  it('heightened: the key is not read on the inbound call; the line calls the registered mobile, through a trunk that asks for credentials, which presses 1 and hears it', async () => {
    await switchMode('heightened', 'spoofed caller IDs reported by the fraud team');
    const callee = startSippCallee({ port: trunkPort, keys: ['1'], pressAfterMs: 1500, timeoutS: 120, challenge: TRUNK_ACCOUNT });

    // The inbound call: English, "other" (typed during the security notice, which it skips), signing key, DNI, reference, card, PIN.
    const inbound = await sippCall({ target: `127.0.0.1:${line.sip?.port ?? 0}`, caller: MARIA, keys: `2 3 2 1 12345678 ${REFERENCE} 4821 2580`, mode: 'info', timeoutS: 90 });
    expect(inbound.code, inbound.stdout + inbound.errors).toBe(0);
    const asked = await endedSipCall(line, { caller: MARIA, menu: ['2', '3', '2'] });
    expect(asked.outcome).toBe('signing_key_callback');
    expect(promptsOf(asked)).toEqual(expect.arrayContaining(['signing_key_callback_scheduled']));
    expect(promptsOf(asked)).not.toContain('signing_key');

    // The call-back: placed through the trunk, answered, the key read, the line's BYE answered.
    const rang = await callee.done;
    expect(rang.code, rang.stdout + rang.errors).toBe(0);
    // The trunk challenged the first INVITE (401); the second carried credentials SIPp's verifyauth accepted.
    expect(rang.messages).toMatch(/^SIP\/2\.0 401 Unauthorized/m);
    expect(rang.messages).not.toMatch(/^SIP\/2\.0 403/m);
    const invites = [...rang.messages.matchAll(/^INVITE (\S+) SIP\/2\.0[\s\S]*?\n\s*\n/gm)].map((m) => m[0]);
    expect(invites).toHaveLength(2);
    expect(invites[1]).toMatch(/^Authorization: Digest username="clave-line", realm="trunk\.test", nonce="\d+n\d+x", uri="sip:\+34600111222@127\.0\.0\.1:\d+", response="[0-9a-f]{32}", algorithm=MD5, cnonce="[0-9a-f]+", opaque="op1", qop=auth, nc=00000001/m);
    expect(rang.messages).not.toContain(TRUNK_ACCOUNT.password);
    expect(line.logLines.join('\n')).not.toContain(TRUNK_ACCOUNT.password);
    const invite = invites[1] ?? '';
    expect(invite).toMatch(/^INVITE sip:\+34600111222@127\.0\.0\.1:\d+ SIP\/2\.0/);
    expect(invite).toMatch(/^From: .*<sip:950183313@127\.0\.0\.1>;tag=/m);
    expect(invite).toMatch(/^Content-Type: application\/sdp/m);
    expect(rang.messages).toMatch(/^BYE sip:callee@127\.0\.0\.1:\d+;transport=[Uu][Dd][Pp] SIP\/2\.0/m);

    const [request] = await eventually(async () => {
      const list = await line.api<CallbackView[]>('/api/callbacks');
      return list.length === 1 && list[0]!.status === 'done' ? list : undefined;
    }, 20_000);
    expect(request).toMatchObject({ customerId: 'CUS-0001', reference: REFERENCE, status: 'done', attempts: 1, language: 'en', sourceCallId: asked.callId });
    expect(request!.numberMasked).not.toContain('600111');
    const outbound = await line.api<CallRecord>(`/api/calls/${request!.callIds[0]!}`);
    expect(outbound).toMatchObject({ channel: 'sip', direction: 'outbound', dialed: '+34600111222', outcome: 'signing_key_read', customerId: 'CUS-0001', language: 'en' });
    expect(keysOf(outbound)).toEqual(['1']);
    expect(promptsOf(outbound)).toEqual(['callback_greeting', 'signing_key_operation', 'signing_key', 'signing_key_repeat', 'callback_goodbye']);
    // The key went by voice only: masked in the record, one live key at the bank for the operation, which still awaits it.
    const keyLines = outbound.transcript.filter((e) => e.type === 'prompt' && (e.id === 'signing_key' || e.id === 'signing_key_repeat'));
    for (const e of keyLines) expect(e.type === 'prompt' && /\d{3}/.test(e.text.replace(/\d+ minutes/, ''))).toBe(false);
    const keys = await line.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM bank_secrets WHERE kind = 'signing_key' AND reference = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()`,
      [REFERENCE],
    );
    expect(keys[0]?.n).toBe(1);
    expect((await line.bank.findOperation({ customerId: 'CUS-0001', reference: REFERENCE }))?.status).toBe('pending_signature');
    // The detector counts callers only: the call-back is not traffic on the line.
    const inboundOnly = await line.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM calls WHERE direction = 'inbound' AND caller = $1`, [MARIA]);
    expect(inboundOnly[0]?.n).toBe(1);
  }, 180_000);

  it('a busy phone is tried again later, and nothing is read to anyone meanwhile', async () => {
    const callee = startSippCallee({ port: trunkPort, keys: [], pressAfterMs: 0, refuse: { status: 486, reason: 'Busy Here' }, timeoutS: 60 });
    const inbound = await sippCall({ target: `127.0.0.1:${line.sip?.port ?? 0}`, caller: MARIA, keys: `2 3 2 1 12345678 ${REFERENCE} 4821 2580`, mode: 'info', timeoutS: 90 });
    expect(inbound.code, inbound.stdout + inbound.errors).toBe(0);
    const rang = await callee.done;
    expect(rang.code, rang.stdout + rang.errors).toBe(0);
    const pending = await eventually(async () => {
      const list = await line.api<CallbackView[]>('/api/callbacks?status=pending');
      return list.find((c) => c.lastResult === 'busy');
    }, 20_000);
    expect(pending).toMatchObject({ attempts: 1, status: 'pending', callIds: [] });
    expect(Date.parse(pending.nextAttemptAt) - Date.now()).toBeGreaterThan(30_000);
  }, 180_000);

  it('lockdown over SIP: the caller hears self-service is suspended before the menu, the service is refused and an agent offered', async () => {
    await switchMode('lockdown', 'credential-stuffing attack');
    const caller = MARIA;
    const r = await sippCall({ target: `127.0.0.1:${line.sip?.port ?? 0}`, caller, keys: '2 1 1 1 12345678 4821 2580', mode: 'info', timeoutS: 90 });
    expect(r.code, r.stdout + r.errors).toBe(0);
    const record = await endedSipCall(line, { caller, menu: ['2', '1', '1'] });
    expect(record.outcome).toBe('self_service_suspended');
    expect(record.transcript).toContainEqual(expect.objectContaining({ type: 'announcement' }));
    expect(promptsOf(record)).toEqual(expect.arrayContaining(['self_service_suspended', 'offer_agent']));
    await switchMode('normal', 'attack contained');
  }, 180_000);
});
