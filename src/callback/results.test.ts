import { describe, expect, it } from 'vitest';
import { MINUTE, MOBILE, request, SECOND, T0, until, useCallbacks } from './fixture.test-support.ts';
import type { DeliveryResult } from './types.ts';

describe('call-back results', () => {
  const h = useCallbacks();

  /** Schedules one request, dials it once (a minute after T0) and ends the call with `result`. */
  async function oneAttempt(result: DeliveryResult | Error) {
    const { id } = await h.callbacks.schedule(request());
    await h.clock.advance(MINUTE);
    expect(await h.callbacks.tick()).toBe(1);
    const call = h.dialer.callFor(id);
    expect(call.req).toEqual({ requestId: id, customerId: 'cust-1', reference: '12345678', number: MOBILE, language: 'es', attempt: 1 });
    expect(await h.row(id)).toMatchObject({ status: 'dialing', attempts: 1, leased_by: 'node-a', lease_until: new Date(T0 + 11 * MINUTE) });
    if (result instanceof Error) call.reject(result);
    else call.resolve(result);
    await until(() => h.callbacks.inFlight === 0);
    const view = (await h.callbacks.get(id))!;
    expect(await h.row(id)).toMatchObject({ lease_until: null, leased_by: null });
    return view;
  }

  it('a key read is done, with the outbound call recorded', async () => {
    expect(await oneAttempt({ kind: 'answered', callId: 'out-1', outcome: 'signing_key_read' }))
      .toMatchObject({ status: 'done', attempts: 1, lastResult: 'signing_key_read', callIds: ['out-1'], updatedAt: '2026-03-02T09:01:00.000Z' });
    expect(h.dialer.calls).toHaveLength(1);
    expect(h.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'callback: done'))
      .toEqual([expect.objectContaining({ level: 30, requestId: expect.any(String) as string, attempt: 1, result: 'signing_key_read', callId: 'out-1', number: '+34•••••1222' })]);
    expect(h.logLines.join('\n')).not.toContain(MOBILE);
  });

  for (const outcome of ['operation_not_found', 'sim_swap_risk', 'self_service_suspended', 'contact_details_missing']) {
    it(`an answered call ending ${outcome} fails for good`, async () => {
      expect(await oneAttempt({ kind: 'answered', callId: 'out-1', outcome })).toMatchObject({ status: 'failed', attempts: 1, lastResult: outcome, callIds: ['out-1'] });
      await h.clock.advance(5 * MINUTE);
      expect(await h.callbacks.tick()).toBe(0);
    });
  }

  for (const result of [
    { kind: 'answered', callId: 'out-1', outcome: 'no_input' },
    { kind: 'answered', callId: 'out-1', outcome: 'caller_hung_up' },
    { kind: 'answered', callId: 'out-1', outcome: 'service_unavailable' },
    { kind: 'not_answered', reason: 'busy', callId: 'out-1' },
    { kind: 'not_answered', reason: 'no_answer', callId: 'out-1' },
    { kind: 'not_answered', reason: 'unreachable' },
    { kind: 'not_answered', reason: 'refused' },
    { kind: 'not_answered', reason: 'no_media' },
  ] satisfies DeliveryResult[]) {
    const said = result.kind === 'answered' ? result.outcome : result.reason;
    it(`${said} counts the attempt and retries after a minute (and a little jitter)`, async () => {
      const view = await oneAttempt(result);
      expect(view).toMatchObject({ status: 'pending', attempts: 1, lastResult: said, callIds: 'callId' in result ? ['out-1'] : [] });
      const next = Date.parse(view.nextAttemptAt) - (T0 + MINUTE);
      expect(next).toBeGreaterThanOrEqual(60 * SECOND);
      expect(next).toBeLessThan(66 * SECOND);
    });
  }

  for (const reason of ['declined', 'not_configured'] as const) {
    it(`${reason} fails at once`, async () => {
      expect(await oneAttempt({ kind: 'not_answered', reason })).toMatchObject({ status: 'failed', attempts: 1, lastResult: reason, callIds: [] });
      await h.clock.advance(5 * MINUTE);
      expect(await h.callbacks.tick()).toBe(0);
    });
  }

  it('at_capacity gives the attempt back and tries again after 10 s', async () => {
    expect(await oneAttempt({ kind: 'not_answered', reason: 'at_capacity' }))
      .toMatchObject({ status: 'pending', attempts: 0, lastResult: 'at_capacity', nextAttemptAt: '2026-03-02T09:01:10.000Z' });
    await h.clock.advance(9 * SECOND);
    expect(await h.callbacks.tick()).toBe(0);
    await h.clock.advance(SECOND);
    expect(await h.callbacks.tick()).toBe(1);
    expect(h.dialer.open.map((c) => c.req.attempt)).toEqual([1]);
  });

  it('cancelled gives the attempt back and is due at once', async () => {
    expect(await oneAttempt({ kind: 'not_answered', reason: 'cancelled', callId: 'out-1' }))
      .toMatchObject({ status: 'pending', attempts: 0, lastResult: 'cancelled', nextAttemptAt: '2026-03-02T09:01:00.000Z', callIds: ['out-1'] });
    expect(await h.callbacks.tick()).toBe(1);
  });

  it('a dialer that throws counts the attempt, and the error is logged without the number', async () => {
    expect(await oneAttempt(new Error(`INVITE sip:${MOBILE}@trunk failed`))).toMatchObject({ status: 'pending', attempts: 1, lastResult: 'dialer_error' });
    const logged = h.logLines.join('\n');
    expect(logged).toContain('INVITE sip:+34•••••1222@trunk failed');
    expect(logged).not.toContain(MOBILE);
  });
});
