import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { CallFilter, CallRecord } from '../call/index.ts';
import type { Logger } from '../log/index.ts';
import type { ChannelStatus, OutboxListQuery, OutboxRecord } from '../notify/index.ts';
import { readFile } from 'node:fs/promises';
import { bearerGuard } from './auth.ts';
import { incidentsApi, type IncidentsApiDeps } from './incidents-api.ts';
import { operatorGuard, operatorOf } from './operator-auth.ts';
import { securityModeApi } from './security-mode-api.ts';
import type { Operators, SecurityModes } from '../operators/index.ts';
import { statusPage, type StatusPageDeps } from './status-page/index.ts';
import { subscriptionRoutes, type SubscriptionRoutesDeps } from './status-subscriptions.ts';
import { unexpectedError } from './unexpected-error.ts';

export interface AppDeps {
  logger: Logger;
  adminToken: string;
  calls: { list(filter: CallFilter): Promise<CallRecord[]>; get(callId: string): Promise<CallRecord | null> };
  outbox: { list(query: OutboxListQuery): Promise<OutboxRecord[]>; get(id: string): Promise<OutboxRecord | null> };
  /** The delivery channels' health (GET /api/delivery). */
  delivery?: { status(): ChannelStatus[] };
  /** Prometheus exposition (GET /metrics, behind the admin token like the API). */
  metrics?: { contentType: string; metrics(): Promise<string> };
  /**
   * An SMS provider's signed status callback (POST /webhooks/sms/status): the
   * raw body and headers go to the channel, which checks the signature.
   */
  smsStatusCallback?: (rawBody: Buffer, headers: Record<string, string | string[] | undefined>) => Promise<{ ok: boolean; reason?: string }>;
  /** Present only while the development mailbox is the delivery channel. */
  devMailbox?: { list(): unknown[] };
  /** The reference bank's e-banking side, when the embedded bank is on. */
  bankRoutes?: FastifyPluginAsync;
  /** Registers the softphone's WebSocket endpoint. */
  softphone?: (app: FastifyInstance) => Promise<void>;
  health?: () => Promise<Record<string, unknown>>;
  /** The operations API for incidents, maintenance and alerts (under /api, behind the token). */
  incidents?: IncidentsApiDeps;
  /** The public status page, its JSON and its Atom feed (no token). */
  statusPage?: StatusPageDeps;
  /** Public subscriptions to status notices (double opt-in, one-click unsubscribe). */
  subscriptions?: SubscriptionRoutesDeps;
  /** Named operators with their own tokens: /api then takes any operator's token and signs changes with the name. */
  operators?: Pick<Operators, 'authenticate'>;
  /** Security modes, switched by two different operators (GET/POST /api/security-mode). */
  securityModes?: SecurityModes;
  /** Further operations routes under /api, behind the same guard (the call-backs' GET /api/callbacks). */
  apiRoutes?: FastifyPluginAsync[];
}

const OPENAPI = new URL('../../docs/openapi.yaml', import.meta.url);

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
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      void reply.code(err.statusCode).send({ error: 'bad_request', message: err.message });
      return;
    }
    void unexpectedError(err, request, reply, 'API');
  });

  app.get('/healthz', async () => ({ status: 'ok', ...(deps.health ? await deps.health() : {}) }));
  // The interfaces other tools rely on, described (docs/openapi.yaml; a test keeps it true to the routes).
  const openapi = await readFile(OPENAPI, 'utf8');
  app.get('/openapi.yaml', (_request, reply) => reply.type('application/yaml; charset=utf-8').send(openapi));

  await app.register(
    (api, _opts, done) => {
      api.addHook('onRequest', deps.operators ? operatorGuard(deps.operators) : bearerGuard(deps.adminToken));

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

      api.get<{ Params: { id: string } }>('/outbox/:id', async (request, reply) => {
        const record = await deps.outbox.get(request.params.id);
        if (!record) return reply.code(404).send({ error: 'not_found', message: `no outbox message ${request.params.id}` });
        return record;
      });

      if (deps.delivery) {
        const delivery = deps.delivery;
        api.get('/delivery', () => Promise.resolve({ channels: delivery.status() }));
      }
      // With named operators, every change is signed by the operator whose token made it.
      if (deps.incidents) void api.register(incidentsApi(deps.operators ? { ...deps.incidents, operatorOf } : deps.incidents));
      if (deps.securityModes && deps.operators) void api.register(securityModeApi({ modes: deps.securityModes, operatorOf }));
      for (const routes of deps.apiRoutes ?? []) void api.register(routes);
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

  if (deps.metrics) {
    const metrics = deps.metrics;
    await app.register((m, _opts, done) => {
      m.addHook('onRequest', bearerGuard(deps.adminToken));
      m.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));
      done();
    });
  }

  if (deps.smsStatusCallback) {
    const callback = deps.smsStatusCallback;
    await app.register((hooks, _opts, done) => {
      // The signature covers the exact bytes the provider sent: keep them raw.
      hooks.removeAllContentTypeParsers();
      hooks.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, next) => next(null, body));
      hooks.post('/webhooks/sms/status', async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const result = await callback(body, request.headers);
        if (!result.ok) {
          request.log.warn({ reason: result.reason }, 'SMS status callback refused');
          return reply.code(401).send({ error: 'unauthorized', message: 'signature check failed' });
        }
        return reply.code(204).send();
      });
      done();
    });
  }

  if (deps.statusPage) await app.register(statusPage(deps.statusPage));
  if (deps.subscriptions) await app.register(subscriptionRoutes(deps.subscriptions));
  if (deps.bankRoutes) await app.register(deps.bankRoutes);
  if (deps.softphone) await deps.softphone(app);
  return app;
}
