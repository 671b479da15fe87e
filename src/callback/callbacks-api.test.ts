import Fastify, { type FastifyInstance } from 'fastify';
import { beforeEach, describe, expect, it } from 'vitest';
import { callbacksApi } from './callbacks-api.ts';
import { MINUTE, MOBILE, request, until, useCallbacks } from './fixture.test-support.ts';

describe('call-backs API', () => {
  const h = useCallbacks();
  let app: FastifyInstance;

  beforeEach(async () => {
    app = Fastify();
    await app.register(async (api) => api.register(callbacksApi(h.callbacks)), { prefix: '/api' });
    return () => app.close();
  });

  async function get(url: string) {
    const res = await app.inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.json<unknown>(), raw: res.body };
  }

  it('lists call-backs newest first, filtered by status, with numbers masked', async () => {
    const a = await h.callbacks.schedule(request({ reference: 'op-1' }));
    await h.clock.advance(MINUTE);
    const b = await h.callbacks.schedule(request({ reference: 'op-2' }));
    await h.callbacks.tick();
    h.dialer.callFor(a.id).resolve({ kind: 'answered', callId: 'out-1', outcome: 'signing_key_read' });
    await until(() => h.callbacks.inFlight === 1);

    const all = await get('/api/callbacks');
    expect(all.status).toBe(200);
    expect((all.body as { id: string; status: string }[]).map((v) => [v.id, v.status])).toEqual([[b.id, 'dialing'], [a.id, 'done']]);
    expect(all.raw).toContain('+34•••••1222');
    expect(all.raw).not.toContain(MOBILE);
    expect((await get('/api/callbacks?status=done')).body).toEqual([expect.objectContaining({ id: a.id, attempts: 1, callIds: ['out-1'], lastResult: 'signing_key_read' })]);
    expect(((await get('/api/callbacks?limit=1')).body as { id: string }[]).map((v) => v.id)).toEqual([b.id]);
  });

  it('answers 400 naming the field for a bad query', async () => {
    expect(await get('/api/callbacks?status=ringing')).toMatchObject({ status: 400, body: { error: 'bad_request', code: 'INVALID_ARGUMENT', field: 'status' } });
    expect(await get('/api/callbacks?limit=0')).toMatchObject({ status: 400, body: { error: 'bad_request', code: 'INVALID_ARGUMENT', field: 'limit' } });
    expect(await get('/api/callbacks?order=asc')).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT' } });
  });

  it('shows one call-back, or 404', async () => {
    const { id } = await h.callbacks.schedule(request());
    expect(await get(`/api/callbacks/${id}`)).toMatchObject({ status: 200, body: { id, status: 'pending', numberMasked: '+34•••••1222', attempts: 0 } });
    expect(await get('/api/callbacks/cb-000000000000')).toEqual({
      status: 404, body: { error: 'not_found', code: 'CALLBACK_NOT_FOUND', message: 'no call-back cb-000000000000' }, raw: expect.any(String) as string,
    });
  });
});
