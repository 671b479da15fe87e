/**
 * The line under stress, on a running Clave through the softphone: the bank
 * broken on purpose (POST /bank/drill) is said plainly and quickly, and
 * nothing changes at the bank; a lockdown needs two different operators,
 * suspends self-service for every caller, and lifts the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../src/call/index.ts';
import { ADMIN_TOKEN, prompts, startTestLine, type JumpClock, type TestLine } from './support/line.ts';

const UNLOCK = '950183313';
const MARIA = '+34600111222';
const RECOVER_EBANKING = '2 1 1 1 12345678 4821 2580';

let line: TestLine;
beforeAll(async () => {
  line = await startTestLine({ env: { CLAVE_BANK_DEADLINE_MS: '800', CLAVE_BANK_PROBE_SECONDS: '1' } });
}, 60_000);
afterAll(async () => {
  await line?.close();
});

async function post(path: string, body: unknown, token = ADMIN_TOKEN): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(line.url + path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('a broken bank', () => {
  it('is said plainly within the deadline, offers an agent, changes nothing; the line recovers by itself', async () => {
    const before = await line.bank.getCustomer('CUS-0001');
    expect((await post('/bank/drill', { mode: 'down' })).status).toBe(200);
    const t0 = Date.now();
    const r = await line.call(MARIA, UNLOCK, RECOVER_EBANKING);
    expect(r.outcome).toBe('service_unavailable');
    expect(prompts(r)).toContain('service_unavailable');
    expect(prompts(r)).toContain('offer_agent');
    // Each bank call waits at most the deadline; once the circuit is open, not at all.
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await line.bank.getCustomer('CUS-0001')).toEqual(before);
    // The periodic probe finds the bank dead too, with or without callers.
    const down = Date.now() + 15_000;
    let health = { bank: { available: true } };
    while (health.bank.available && Date.now() < down) {
      health = (await (await fetch(`${line.url}/healthz`)).json()) as { bank: { available: boolean } };
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(health.bank.available).toBe(false);
    const fast = Date.now();
    expect((await line.call(MARIA, UNLOCK, RECOVER_EBANKING)).outcome).toBe('service_unavailable');
    // With the circuit open the caller does not even wait for the deadline.
    expect(Date.now() - fast).toBeLessThan(3_000);

    expect((await post('/bank/drill', { mode: 'ok' })).status).toBe(200);
    // The probe closes the circuit without any caller having to try.
    const until = Date.now() + 15_000;
    while (!line.bankLink.health().available && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(line.bankLink.health().available).toBe(true);
    expect((await line.call(MARIA, UNLOCK, RECOVER_EBANKING)).outcome).toBe('ebanking_user_recovered');
  }, 60_000);

  it('refuses a drill without the token', async () => {
    expect((await post('/bank/drill', { mode: 'down' }, 'wrong-token-0123456789')).status).toBe(401);
  });
});

describe('outage detection from the line\'s own traffic', () => {
  it('callers reporting a failing service raise an alert with a drafted incident naming it; nothing is published', async () => {
    await line.detector.tick();
    for (let i = 0; i < 6; i++) {
      const r = await line.call(`+3460012345${i}`, UNLOCK, '1 4 4');
      expect(prompts(r)).toEqual(expect.arrayContaining(['problem_menu', 'problem_thanks']));
      const record = await line.api<CallRecord>(`/api/calls/${r.callId}`);
      expect(record.transcript).toContainEqual(expect.objectContaining({ type: 'note', text: 'problem reported: atm' }));
    }
    (line.clock as JumpClock).jump(2 * 60_000);
    const alerts = await line.detector.tick();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.message).toMatch(/^Outage suspected: report:atm had 6 in the 5 minutes/);
    const listed = await line.api<{ id: string; kind: string; draftIncidentId: string }[]>('/api/alerts');
    expect(listed.map((a) => [a.id, a.kind])).toContainEqual([alerts[0]!.id, 'outage_suspected']);
    const draft = await line.api<{ visibility: string; components: { component: string }[] }>(`/api/incidents/${alerts[0]!.draftIncidentId}`);
    expect(draft).toMatchObject({ visibility: 'draft', components: [{ component: 'atm' }] });
    const page = (await (await fetch(`${line.url}/status.json`)).json()) as { active: unknown[] };
    expect(page.active).toEqual([]);
  }, 60_000);
});

describe('security modes', () => {
  it('a lockdown takes two different operators, suspends self-service, and lifts the same way', async () => {
    const ana = (await line.operators.add('ana')).token.reveal();
    const bea = (await line.operators.add('bea')).token.reveal();
    const proposed = await post('/api/security-mode', { mode: 'lockdown', reason: 'credential-stuffing attack on e-banking' }, ana);
    expect(proposed.status).toBe(202);
    const id = String(proposed.body['id']);
    expect((await post(`/api/security-mode/changes/${id}/approve`, {}, ana)).status).toBe(403);
    // Not applied yet: self-service still works.
    expect((await line.call(MARIA, UNLOCK, '2 1 2')).outcome).not.toBe('self_service_suspended');
    expect((await post(`/api/security-mode/changes/${id}/approve`, {}, bea)).status).toBe(200);

    const r = await line.call(MARIA, UNLOCK, RECOVER_EBANKING);
    expect(r.outcome).toBe('self_service_suspended');
    expect(prompts(r)).toContain('self_service_suspended');
    // Announced before the menu, so nobody keys a document and a PIN for nothing.
    const ids = prompts(r);
    expect(ids.indexOf('announcement')).toBeGreaterThan(-1);
    expect(ids.indexOf('announcement')).toBeLessThan(ids.indexOf('main_menu'));
    const notice = r.events.find((e) => e.type === 'prompt' && e.id === 'announcement');
    expect(notice?.type === 'prompt' && notice.text).toMatch(/automated service is suspended/);
    const record = await line.api<CallRecord>(`/api/calls/${r.callId}`);
    expect(record.outcome).toBe('self_service_suspended');
    const mode = await (await fetch(`${line.url}/api/security-mode`, { headers: { authorization: `Bearer ${bea}` } })).json() as { mode: string; changedBy: string[] };
    expect(mode.mode).toBe('lockdown');
    expect(mode.changedBy).toEqual(['ana', 'bea']);

    const back = await post('/api/security-mode', { mode: 'normal', reason: 'attack contained' }, bea);
    expect((await post(`/api/security-mode/changes/${String(back.body['id'])}/approve`, {}, ana)).status).toBe(200);
    expect((await line.call(MARIA, UNLOCK, RECOVER_EBANKING)).outcome).toBe('ebanking_user_recovered');
  }, 60_000);

  it('heightened, scheduled to end: a recovery that would send a password by SMS goes to an agent, and self-service is back when the mode expires', async () => {
    const ana = (await line.operators.add('ana-h')).token.reveal();
    const bea = (await line.operators.add('bea-h')).token.reveal();
    const expiresAt = new Date(line.clock.now() + 30 * 60_000).toISOString();
    const proposed = await post('/api/security-mode', { mode: 'heightened', reason: 'SIM-swap fraud wave', expiresAt }, ana);
    expect(proposed.status).toBe(202);
    expect((await post(`/api/security-mode/changes/${String(proposed.body['id'])}/approve`, {}, bea)).status).toBe(200);
    const before = await line.bank.getCustomer('CUS-0001');

    const r = await line.call(MARIA, UNLOCK, RECOVER_EBANKING);
    expect(r.outcome).toBe('self_service_suspended');
    const ids = prompts(r);
    // Announced before the menu, then at the service: no password by SMS, an agent instead.
    expect(ids.indexOf('announcement')).toBeLessThan(ids.indexOf('main_menu'));
    expect(ids.slice(-2)).toEqual(['security_agent_only', 'transfer_agent']);
    // Nothing changed at the bank, and no message went out.
    expect(await line.bank.getCustomer('CUS-0001')).toEqual(before);
    expect(await line.api<unknown[]>(`/api/outbox?correlationId=${encodeURIComponent(r.callId)}`)).toEqual([]);

    // Half an hour later the mode has ended by itself, as scheduled.
    (line.clock as JumpClock).jump(31 * 60_000);
    const recovered = await line.call(MARIA, UNLOCK, RECOVER_EBANKING);
    expect(recovered.outcome).toBe('ebanking_user_recovered');
    // The same query finds the messages of a recovery that did go through: the user name by e-mail, the password by SMS.
    const sent = await line.api<{ channel: string }[]>(`/api/outbox?correlationId=${encodeURIComponent(recovered.callId)}`);
    expect(sent.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    const mode = await (await fetch(`${line.url}/api/security-mode`, { headers: { authorization: `Bearer ${ana}` } })).json() as { mode: string };
    expect(mode.mode).toBe('normal');
  }, 60_000);
});
