import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { isClaveError } from '../shared/index.ts';
import { CALLBACK_STATUSES, type Callbacks } from './types.ts';

const ListQuery = z.strictObject({
  status: z.enum(CALLBACK_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/**
 * The operations API for call-backs, registered under /api behind the
 * operator guard: `GET /callbacks?status=&limit=` (newest first) and
 * `GET /callbacks/{id}` (404 CALLBACK_NOT_FOUND). Numbers are masked; bad
 * queries answer 400 naming the field, as the incidents API does.
 *
 * @example
 *   await api.register(callbacksApi(callbacks));
 *   // GET /api/callbacks?status=pending → 200 [{ id: 'cb-…', numberMasked: '+34•••••1222', … }]
 */
export function callbacksApi(callbacks: Pick<Callbacks, 'list' | 'get'>): FastifyPluginAsync {
  return (app) => {
    app.setErrorHandler((err: { statusCode?: number; message: string }, request, reply) => {
      if (isClaveError(err, 'INVALID_ARGUMENT')) {
        const field = typeof err.details['field'] === 'string' ? { field: err.details['field'] } : {};
        return reply.code(400).send({ error: 'bad_request', code: err.code, ...field, message: err.message });
      }
      if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
        return reply.code(err.statusCode).send({ error: 'bad_request', message: err.message });
      }
      request.log.error({ err }, 'call-backs API request failed');
      return reply.code(500).send({ error: 'internal_error', message: 'internal error' });
    });

    app.get('/callbacks', async (request, reply) => {
      const q = ListQuery.safeParse(request.query ?? {});
      if (!q.success) {
        const issue = q.error.issues[0];
        const field = issue?.path.join('.') || '(query)';
        return reply.code(400).send({ error: 'bad_request', code: 'INVALID_ARGUMENT', field, message: `${field}: ${issue?.message ?? 'invalid'}` });
      }
      return callbacks.list({ ...(q.data.status ? { status: q.data.status } : {}), ...(q.data.limit ? { limit: q.data.limit } : {}) });
    });

    app.get<{ Params: { id: string } }>('/callbacks/:id', async (request, reply) => {
      const view = await callbacks.get(request.params.id);
      if (!view) return reply.code(404).send({ error: 'not_found', code: 'CALLBACK_NOT_FOUND', message: `no call-back ${request.params.id}` });
      return view;
    });
    return Promise.resolve();
  };
}
