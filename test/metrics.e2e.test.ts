/**
 * What an operations team's Prometheus scrapes from a running line (GET
 * /metrics) while it is in trouble: calls ended by outcome, the line full,
 * the bank down, the security mode. The figures are read from the text
 * exposition, as Prometheus reads them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, eventually, startTestLine, type TestLine } from './support/line.ts';

const UNLOCK = '950183313';
const MARIA = '+34600111222';
const JOHN = '+34611222333';
const RECOVER_EBANKING = '2 1 1 1 12345678 4821 2580';

let line: TestLine;
beforeAll(async () => {
  line = await startTestLine({ env: { CLAVE_MAX_CALLS: '1', CLAVE_BANK_PROBE_SECONDS: '1', CLAVE_BANK_DEADLINE_MS: '800' } });
}, 60_000);
afterAll(async () => {
  await line?.close();
});

/** Every sample of the exposition, as `name{labels}` → value (labels as Prometheus prints them). */
async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(`${line.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(res.status).toBe(200);
  const samples = new Map<string, number>();
  for (const row of (await res.text()).split('\n')) {
    const m = /^(clave_[a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(row);
    if (m) samples.set(m[1]!, Number(m[2]));
  }
  return samples;
}

async function post(path: string, body: unknown): Promise<number> {
  const res = await fetch(line.url + path, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.status;
}

describe('the line on /metrics', () => {
  it('starts with the capacity, everything available, the normal mode and nothing open', async () => {
    const m = await scrape();
    expect(m.get('clave_calls_capacity')).toBe(1);
    expect(m.get('clave_calls_live{kind="flow"}')).toBe(0);
    expect(m.get('clave_store_available')).toBe(1);
    expect(m.get('clave_bank_available')).toBe(1);
    expect(m.get('clave_bank_circuit{state="closed"}')).toBe(1);
    expect(m.get('clave_bank_circuit{state="open"}')).toBe(0);
    expect(m.get('clave_security_mode{mode="normal"}')).toBe(1);
    expect(m.get('clave_security_mode{mode="lockdown"}')).toBe(0);
    expect(m.get('clave_alerts_open')).toBe(0);
    expect(m.get('clave_callbacks{status="pending"}')).toBe(0);
    expect(m.get('clave_call_records_pending')).toBe(0);
    // No SIP on this line: no media clock to speak of (test/sip-*.e2e tests have one).
    expect(m.has('clave_media_clock_worst_late_ms')).toBe(false);
    expect(m.has('clave_media_ticks_skipped_total')).toBe(false);
  });

  it('counts calls by outcome, a caller turned away while the line is full, and the call holding it', async () => {
    expect((await line.call(MARIA, UNLOCK, RECOVER_EBANKING)).outcome).toBe('ebanking_user_recovered');
    // One caller holds the only place, waiting at the language menu.
    const holding = line.dial(MARIA, UNLOCK);
    await eventually(async () => ((await scrape()).get('clave_calls_live{kind="flow"}') === 1 ? true : undefined));
    expect((await line.call(JOHN, UNLOCK, '1')).outcome).toBe('refused_at_capacity');
    holding.hangup();
    await holding.result;

    const m = await eventually(async () => {
      const now = await scrape();
      return now.get('clave_calls_live{kind="flow"}') === 0 ? now : undefined;
    });
    expect(m.get('clave_calls_ended_total{direction="inbound",outcome="ebanking_user_recovered"}')).toBe(1);
    expect(m.get('clave_calls_ended_total{direction="inbound",outcome="refused_at_capacity"}')).toBe(1);
    expect(m.get('clave_calls_ended_total{direction="inbound",outcome="caller_hung_up"}')).toBe(1);
    expect(m.get('clave_calls_turned_away_total{how="announced"}')).toBe(1);
    // A counter: a second scrape does not count the same refusal again.
    expect((await scrape()).get('clave_calls_turned_away_total{how="announced"}')).toBe(1);
  });

  it('shows the bank down and its circuit open, then back, and the security mode in force', async () => {
    expect(await post('/bank/drill', { mode: 'down' })).toBe(200);
    const down = await eventually(async () => {
      const m = await scrape();
      return m.get('clave_bank_available') === 0 ? m : undefined;
    }, 30_000);
    expect(down.get('clave_bank_circuit{state="closed"}')).toBe(0);
    expect(await post('/bank/drill', { mode: 'ok' })).toBe(200);
    await eventually(async () => ((await scrape()).get('clave_bank_available') === 1 ? true : undefined), 30_000);

    const ana = (await line.operators.add('ana-m')).token.reveal();
    const bea = (await line.operators.add('bea-m')).token.reveal();
    const proposed = await fetch(`${line.url}/api/security-mode`, {
      method: 'POST', headers: { authorization: `Bearer ${ana}`, 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'lockdown', reason: 'drill' }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    const approved = await fetch(`${line.url}/api/security-mode/changes/${proposed.id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${bea}` } });
    expect(approved.status).toBe(200);
    const m = await scrape();
    expect(m.get('clave_security_mode{mode="lockdown"}')).toBe(1);
    expect(m.get('clave_security_mode{mode="normal"}')).toBe(0);
  }, 90_000);
});
