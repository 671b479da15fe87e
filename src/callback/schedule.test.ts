import { describe, expect, it } from 'vitest';
import { MINUTE, MOBILE, request, T0, until, useCallbacks } from './fixture.test-support.ts';

describe('call-back requests', () => {
  const h = useCallbacks();

  it('keeps one open request per customer and operation', async () => {
    const first = await h.callbacks.schedule(request());
    expect(first).toEqual({ id: expect.stringMatching(/^cb-[0-9a-f]{12}$/) as string, created: true });
    expect(await h.callbacks.schedule(request({ sourceCallId: 'call-in-2' }))).toEqual({ id: first.id, created: false });
    // Another process asking at the same time meets the same row.
    expect(await h.another().schedule(request())).toEqual({ id: first.id, created: false });
    const other = await h.callbacks.schedule(request({ reference: '87654321' }));
    expect(other.created).toBe(true);
    expect((await h.callbacks.list()).map((v) => v.id).sort()).toEqual([first.id, other.id].sort());
  });

  it('is still one while it is being dialled, and a new one once it is over', async () => {
    const { id } = await h.callbacks.schedule(request());
    expect(await h.callbacks.tick()).toBe(1);
    expect(await h.callbacks.schedule(request())).toEqual({ id, created: false });
    h.dialer.callFor(id).resolve({ kind: 'answered', callId: 'out-1', outcome: 'signing_key_read' });
    await until(() => h.callbacks.inFlight === 0);
    const again = await h.callbacks.schedule(request());
    expect(again.created).toBe(true);
    expect(again.id).not.toBe(id);
  });

  it('waits before the first dial while the customer is still on the call that asked for it', async () => {
    const cb = await h.configure({ firstAttemptDelayMs: 10_000 });
    const { id } = await cb.schedule(request());
    expect((await cb.get(id))?.nextAttemptAt).toBe('2026-03-02T09:00:10.000Z');
    expect(await cb.tick()).toBe(0);
    await h.clock.advance(10_000);
    expect(await cb.tick()).toBe(1);
    expect(h.dialer.callFor(id)).toBeDefined();
  });

  it('stores the request with its lifetime, and shows the number masked', async () => {
    const { id } = await h.callbacks.schedule(request());
    expect(await h.callbacks.get(id)).toEqual({
      id, customerId: 'cust-1', reference: '12345678', numberMasked: '+34•••••1222', language: 'es', sourceCallId: 'call-in-1',
      status: 'pending', attempts: 0, lastResult: null, callIds: [],
      createdAt: '2026-03-02T09:00:00.000Z', expiresAt: '2026-03-02T09:15:00.000Z', nextAttemptAt: '2026-03-02T09:00:00.000Z', updatedAt: '2026-03-02T09:00:00.000Z',
    });
    expect(await h.callbacks.get('cb-000000000000')).toBeNull();
    expect(h.logLines.join('\n')).toContain('+34•••••1222');
    expect(h.logLines.join('\n')).not.toContain(MOBILE);
  });

  it('refuses a number that is not E.164 without echoing it', async () => {
    const err = await h.callbacks.schedule(request({ number: '600001222' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'number' } });
    expect((err as Error).message).not.toContain('600001222');
    await expect(h.callbacks.schedule(request({ customerId: ' ' }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'customerId' } });
    await expect(h.callbacks.schedule(request({ language: 'Spanish!' }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'language' } });
    expect(await h.callbacks.list()).toEqual([]);
  });

  it('lists newest first, by status, up to a limit', async () => {
    const a = await h.callbacks.schedule(request({ reference: '1' }));
    await h.clock.advance(MINUTE);
    const b = await h.callbacks.schedule(request({ reference: '2' }));
    await h.clock.advance(MINUTE);
    const c = await h.callbacks.schedule(request({ reference: '3', customerId: 'cust-2' }));
    expect((await h.callbacks.list()).map((v) => v.id)).toEqual([c.id, b.id, a.id]);
    expect((await h.callbacks.list({ limit: 2 })).map((v) => v.id)).toEqual([c.id, b.id]);
    await h.clock.advance(13.5 * MINUTE); // T0+15.5: a (expires T0+15) is over, b (T0+16) and c (T0+17) are not
    await h.configure({ concurrency: 1 });
    expect(await h.callbacks.tick()).toBe(1); // expires a, claims b (the oldest due)
    expect((await h.callbacks.list({ status: 'expired' })).map((v) => v.id)).toEqual([a.id]);
    expect((await h.callbacks.list({ status: 'dialing' })).map((v) => v.id)).toEqual([b.id]);
    expect((await h.callbacks.list({ status: 'pending' })).map((v) => [v.id, v.createdAt])).toEqual([[c.id, new Date(T0 + 2 * MINUTE).toISOString()]]);
    await expect(h.callbacks.list({ status: 'ringing' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'status' } });
    await expect(h.callbacks.list({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'limit' } });
  });
});
