import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClaveError, SimulatedClock } from '../shared/index.ts';
import { createDrillableBank, type DrillableBank } from './drill.ts';
import type { BankPort } from './port.ts';

const TOKEN = 'drill-token-123';

/** A bank that records the calls that reached it; unlockSignature "changes" something. */
function innerBank() {
  const reached: string[] = [];
  const unlocked: string[] = [];
  let refuse = false;
  const port = {
    getCustomer: (id: string) => {
      reached.push(`getCustomer ${id}`);
      return Promise.resolve(null);
    },
    unlockSignature: (req: { customerId: string }) => {
      reached.push(`unlockSignature ${req.customerId}`);
      if (refuse) return Promise.reject(new ClaveError('CUSTOMER_NOT_FOUND', 'no such customer'));
      unlocked.push(req.customerId);
      return Promise.resolve();
    },
  } as unknown as BankPort;
  return { port, reached, unlocked, refuseNext: () => (refuse = true) };
}

function watch(p: Promise<unknown>) {
  const seen: { state: 'pending' | 'resolved' | 'rejected'; error?: unknown } = { state: 'pending' };
  p.then(
    () => (seen.state = 'resolved'),
    (error: unknown) => Object.assign(seen, { state: 'rejected', error }),
  );
  return seen;
}

let clock: SimulatedClock;
let inner: ReturnType<typeof innerBank>;
let d: DrillableBank;
beforeEach(() => {
  clock = new SimulatedClock();
  inner = innerBank();
  d = createDrillableBank(inner.port, { clock, token: TOKEN, hangMs: 60_000 });
});

describe('drill modes', () => {
  it('ok passes calls through', async () => {
    expect(d.drill.mode).toBe('ok');
    expect(await d.bank.getCustomer('CUS-0001')).toBeNull();
    expect(inner.reached).toEqual(['getCustomer CUS-0001']);
  });

  it('errors fails every call at once with BANK_UNAVAILABLE, reaching nothing', async () => {
    d.drill.set('errors');
    await expect(d.bank.getCustomer('CUS-0001')).rejects.toMatchObject({ code: 'BANK_UNAVAILABLE', details: { drill: 'errors' } });
    expect(inner.reached).toEqual([]);
  });

  it('down hangs every call until its signal aborts, or fails after hangMs without one', async () => {
    d.drill.set('down');
    const deadline = new AbortController();
    const withSignal = watch(d.bank.getCustomer('CUS-0001', { signal: deadline.signal }));
    const without = watch(d.bank.getCustomer('CUS-0002'));
    await clock.advance(30_000);
    expect([withSignal.state, without.state]).toEqual(['pending', 'pending']);
    deadline.abort();
    await clock.advance(0);
    expect(withSignal).toMatchObject({ state: 'rejected', error: { code: 'BANK_UNAVAILABLE', details: { drill: 'down' } } });
    expect(without.state).toBe('pending');
    await clock.advance(30_000);
    expect(without).toMatchObject({ state: 'rejected', error: { code: 'BANK_UNAVAILABLE' } });
    expect(inner.reached).toEqual([]);
  });

  it('slow does the work at once and answers delayMs later', async () => {
    d.drill.set('slow', 2000);
    const call = watch(d.bank.unlockSignature({ customerId: 'CUS-0001', idempotencyKey: 'k1' }));
    await clock.advance(0);
    expect(inner.unlocked).toEqual(['CUS-0001']);
    await clock.advance(1999);
    expect(call.state).toBe('pending');
    await clock.advance(1);
    expect(call.state).toBe('resolved');
  });

  it('slow cut short by a deadline: the change is made, its answer lost as BANK_UNAVAILABLE', async () => {
    d.drill.set('slow');
    expect(d.drill.delayMs).toBe(5000);
    const deadline = new AbortController();
    const call = watch(d.bank.unlockSignature({ customerId: 'CUS-0001', idempotencyKey: 'k1' }, { signal: deadline.signal }));
    await clock.advance(3000);
    deadline.abort();
    await clock.advance(0);
    expect(call).toMatchObject({ state: 'rejected', error: { code: 'BANK_UNAVAILABLE', details: { drill: 'slow' } } });
    expect(inner.unlocked).toEqual(['CUS-0001']);
  });

  it("slow delays the bank's refusals too, unchanged", async () => {
    d.drill.set('slow', 1000);
    inner.refuseNext();
    const call = watch(d.bank.unlockSignature({ customerId: 'CUS-0404', idempotencyKey: 'k2' }));
    await clock.advance(999);
    expect(call.state).toBe('pending');
    await clock.advance(1);
    expect(call).toMatchObject({ state: 'rejected', error: { code: 'CUSTOMER_NOT_FOUND' } });
  });

  it('back to ok, calls pass again; bad settings are refused', async () => {
    d.drill.set('errors');
    d.drill.set('ok');
    expect(await d.bank.getCustomer('CUS-0001')).toBeNull();
    expect(() => d.drill.set('slow', -1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
    expect(() => createDrillableBank(inner.port, { clock, token: '' })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }) as Error);
  });
});

describe('drill routes', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = Fastify();
    await app.register(d.routes);
  });
  afterEach(async () => app.close());

  const auth = { authorization: `Bearer ${TOKEN}` };
  const post = async (payload: unknown, headers: Record<string, string> = auth) => {
    const res = await app.inject({ method: 'POST', url: '/bank/drill', headers, payload: payload as Record<string, unknown> });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
  };
  const get = async (headers: Record<string, string> = auth) => {
    const res = await app.inject({ method: 'GET', url: '/bank/drill', headers });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
  };

  it('refuses without the bearer token, or with a wrong one, and changes nothing', async () => {
    expect(await post({ mode: 'down' }, {})).toEqual({ status: 401, body: { error: 'unauthorized', message: 'send Authorization: Bearer <token>' } });
    expect((await post({ mode: 'down' }, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await get({})).status).toBe(401);
    expect(d.drill.mode).toBe('ok');
  });

  it('switches the mode and reports it', async () => {
    expect(await get()).toEqual({ status: 200, body: { mode: 'ok' } });
    expect(await post({ mode: 'down' })).toEqual({ status: 200, body: { mode: 'down' } });
    expect(d.drill.mode).toBe('down');
    expect(await get()).toEqual({ status: 200, body: { mode: 'down' } });
    expect(await post({ mode: 'slow', delayMs: 8000 })).toEqual({ status: 200, body: { mode: 'slow', delayMs: 8000 } });
    expect(d.drill).toMatchObject({ mode: 'slow', delayMs: 8000 });
    expect(await post({ mode: 'slow' })).toEqual({ status: 200, body: { mode: 'slow', delayMs: 5000 } });
    expect(await post({ mode: 'ok' })).toEqual({ status: 200, body: { mode: 'ok' } });
    await expect(d.bank.getCustomer('CUS-0001')).resolves.toBeNull();
  });

  it('answers 400 to a body it cannot take, keeping the mode', async () => {
    expect(await post({ mode: 'broken' })).toMatchObject({ status: 400, body: { error: 'invalid_body', message: expect.stringMatching(/^mode: /) as string } });
    expect(await post({ mode: 'down', delayMs: 100 })).toEqual({ status: 400, body: { error: 'invalid_body', message: 'delayMs: delayMs applies to mode slow only' } });
    expect((await post({ mode: 'slow', delayMs: -5 })).status).toBe(400);
    expect((await post({ mode: 'slow', delayMs: 1.5 })).status).toBe(400);
    expect((await post({ mode: 'ok', extra: true })).status).toBe(400);
    expect(d.drill.mode).toBe('ok');
  });
});
