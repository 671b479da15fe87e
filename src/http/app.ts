import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { CallFilter, CallRecord } from '../call/index.ts';
import type { Logger } from '../log/index.ts';
import type { OutboxListQuery, OutboxRecord } from '../notify/index.ts';
import { bearerGuard } from './auth.ts';

export interface AppDeps {
  logger: Logger;
  adminToken: string;
  calls: { list(filter: CallFilter): Promise<CallRecord[]>; get(callId: string): Promise<CallRecord | null> };
  outbox: { list(query: OutboxListQuery): Promise<OutboxRecord[]> };
  /** Present only while the development mailbox is the delivery channel. */
  devMailbox?: { list(): unknown[] };
  /** The reference bank's e-banking side, when the embedded bank is on. */
  bankRoutes?: FastifyPluginAsync;
  /** Registers the softphone's WebSocket endpoint. */
  softphone?: (app: FastifyInstance) => Promise<void>;
  health?: () => Promise<Record<string, unknown>>;
}

const CallQuery = z
  .object({
    from: z.string().max(32).optional(),
    to: z.string().max(32).optional(),
    outcome: z.string().max(64).optional(),
    state: z.enum(['live', 'ended']).optional(),
    customerId: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    before: z.iso.datetime().optional(),
  })
  .strict();

const OutboxQuery = z
  .object({
    status: z.string().max(32).optional(),
    channel: z.enum(['sms', 'email']).optional(),
    correlationId: z.string().max(128).optional(),
    customerId: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();

/**
 * The HTTP side of Clave, built from its dependencies and never listening by
 * itself: tests call `app.inject()`, main.ts calls `listen()`.
 *
 * @example
 *   const app = await buildApp({ logger, adminToken, calls, outbox });
 *   const res = await app.inject({ url: '/api/calls', headers: { authorization: `Bearer ${adminToken}` } });
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({ loggerInstance, bodyLimit: 64 * 1024 });

  app.setErrorHandler((err: { statusCode?: number; message: string; validation?: unknown }, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) request.log.error({ err }, 'request failed');
    void reply.code(status).send({ error: status === 500 ? 'internal_error' : 'bad_request', message: status === 500 ? 'internal error' : err.message });
  });

  app.get('/healthz', async () => ({ status: 'ok', ...(deps.health ? await deps.health() : {}) }));

  await app.register(
    (api, _opts, done) => {
      api.addHook('onRequest', bearerGuard(deps.adminToken));

      api.get('/calls', async (request, reply) => {
        const q = CallQuery.safeParse(request.query);
        if (!q.success) return reply.code(400).send({ error: 'bad_request', message: q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
        const { before, ...rest } = q.data;
        return deps.calls.list({ ...rest, ...(before ? { before: new Date(before) } : {}) });
      });

      api.get<{ Params: { callId: string } }>('/calls/:callId', async (request, reply) => {
        const record = await deps.calls.get(request.params.callId);
        if (!record) return reply.code(404).send({ error: 'not_found', message: `no call ${request.params.callId}` });
        return record;
      });

      api.get('/outbox', async (request, reply) => {
        const q = OutboxQuery.safeParse(request.query);
        if (!q.success) return reply.code(400).send({ error: 'bad_request', message: q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
        return deps.outbox.list(q.data as OutboxListQuery);
      });
      done();
    },
    { prefix: '/api' },
  );

  if (deps.devMailbox) {
    const mailbox = deps.devMailbox;
    await app.register((dev, _opts, done) => {
      dev.addHook('onRequest', bearerGuard(deps.adminToken));
      dev.get('/dev/mailbox', () => Promise.resolve(mailbox.list()));
      done();
    });
  }

  if (deps.bankRoutes) await app.register(deps.bankRoutes);
  if (deps.softphone) await deps.softphone(app);
  return app;
}
