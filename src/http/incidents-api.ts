import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseCreateIncident, parseScheduleMaintenance, parseUpdateIncident, type IncidentsService } from '../incidents/index.ts';
import { unexpectedError } from './unexpected-error.ts';
import { isClaveError, type ClaveErrorCode } from '../shared/index.ts';

export interface IncidentsApiDeps {
  incidents: IncidentsService;
  /** Who is making the change (recorded in the audit trail); today the lead's function answers "admin". */
  operatorOf(request: FastifyRequest): string;
}

const STATUS_OF: Partial<Record<ClaveErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  INCIDENT_NOT_FOUND: 404,
  MAINTENANCE_NOT_FOUND: 404,
  ALERT_NOT_FOUND: 404,
  INCIDENT_RESOLVED: 409,
  INCIDENT_ALREADY_PUBLISHED: 409,
  MAINTENANCE_ENDED: 409,
};
const ERROR_OF: Record<number, string> = { 400: 'bad_request', 404: 'not_found', 409: 'conflict' };

const IncidentQuery = z.strictObject({
  visibility: z.enum(['draft', 'published']).optional(),
  active: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
const AuditQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).optional() });
const Minutes = z.number().int().min(0).max(30 * 24 * 60);

function badRequest(reply: FastifyReply, field: string, message: string) {
  return reply.code(400).send({ error: 'bad_request', code: 'INVALID_ARGUMENT', field, message: `${field}: ${message}` });
}

function parseQuery<T>(schema: z.ZodType<T>, query: unknown, reply: FastifyReply): T | undefined {
  const q = schema.safeParse(query);
  if (q.success) return q.data;
  const issue = q.error.issues[0];
  void badRequest(reply, issue?.path.join('.') || '(query)', issue?.message ?? 'invalid');
  return undefined;
}

function body(request: FastifyRequest): Record<string, unknown> {
  const b = request.body;
  return b !== null && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

/**
 * The operations API for incidents and maintenance, to be registered under
 * /api behind the bearer guard. Bad input answers 400 naming the field,
 * unknown ids 404, changes the state refuses (an update after resolved) 409;
 * every change records `operatorOf(request)` as its author.
 *
 * @example
 *   await api.register(incidentsApi({ incidents, operatorOf: () => 'admin' }));
 *   // POST /api/incidents {status, cause, components, text, publish: true} → 201 {id}
 */
export function incidentsApi(deps: IncidentsApiDeps): FastifyPluginAsync {
  const { incidents } = deps;
  const operatorOf = (request: FastifyRequest) => deps.operatorOf(request);
  return (app) => {
    app.setErrorHandler((err: { statusCode?: number; message: string }, request, reply) => {
      if (isClaveError(err)) {
        const status = STATUS_OF[err.code];
        if (status !== undefined) {
          const field = typeof err.details['field'] === 'string' ? { field: err.details['field'] } : {};
          return reply.code(status).send({ error: ERROR_OF[status], code: err.code, ...field, message: err.message });
        }
      }
      // Fastify's own refusals (malformed JSON, oversize body) keep their 4xx.
      if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
        return reply.code(err.statusCode).send({ error: 'bad_request', message: err.message });
      }
      return unexpectedError(err, request, reply, 'incidents API');
    });

    app.post('/incidents', async (request, reply) => {
      const input = parseCreateIncident(incidents.config, { publish: true, ...body(request) });
      const incident = await incidents.create(input, operatorOf(request));
      return reply.code(201).send({ id: incident.id });
    });

    app.post('/incidents/preview', (request) => Promise.resolve(incidents.preview(parseCreateIncident(incidents.config, { publish: true, ...body(request) }))));

    app.get('/incidents', async (request, reply) => {
      const q = parseQuery(IncidentQuery, request.query, reply);
      if (!q) return reply;
      return incidents.list({
        ...(q.visibility ? { visibility: q.visibility } : {}),
        ...(q.active ? { active: q.active === 'true' } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
      });
    });

    app.get<{ Params: { id: string } }>('/incidents/:id', async (request, reply) => {
      const incident = await incidents.get(request.params.id);
      if (!incident) return reply.code(404).send({ error: 'not_found', code: 'INCIDENT_NOT_FOUND', message: `no incident ${request.params.id}` });
      return incident;
    });

    // Checked here as for a draft; the service adds the published incident's rules (every language).
    app.post<{ Params: { id: string } }>('/incidents/:id/updates', async (request) =>
      incidents.update(request.params.id, parseUpdateIncident(incidents.config, body(request), false), operatorOf(request)),
    );
    app.post<{ Params: { id: string } }>('/incidents/:id/publish', async (request) => incidents.publish(request.params.id, operatorOf(request)));

    app.post('/maintenance', async (request, reply) => {
      const { announceBeforeMinutes, ...rest } = body(request);
      let announceBeforeMs: number | undefined;
      if (announceBeforeMinutes !== undefined) {
        const minutes = Minutes.safeParse(announceBeforeMinutes);
        if (!minutes.success) return badRequest(reply, 'announceBeforeMinutes', 'whole minutes from 0 to 43200 (30 days)');
        announceBeforeMs = minutes.data * 60_000;
      }
      const input = parseScheduleMaintenance(incidents.config, { ...rest, ...(announceBeforeMs !== undefined ? { announceBeforeMs } : {}) });
      const window = await incidents.scheduleMaintenance(input, operatorOf(request));
      return reply.code(201).send({ id: window.id });
    });

    app.get('/maintenance', () => incidents.listMaintenance());
    app.post<{ Params: { id: string } }>('/maintenance/:id/complete', async (request) => incidents.completeMaintenance(request.params.id, operatorOf(request)));
    app.post<{ Params: { id: string } }>('/maintenance/:id/cancel', async (request) => incidents.cancelMaintenance(request.params.id, operatorOf(request)));

    app.get('/alerts', () => incidents.alerts());
    app.post<{ Params: { id: string } }>('/alerts/:id/acknowledge', async (request) => incidents.acknowledgeAlert(request.params.id, operatorOf(request)));

    app.get('/audit', async (request, reply) => {
      const q = parseQuery(AuditQuery, request.query, reply);
      if (!q) return reply;
      return incidents.audit(q.limit);
    });
    return Promise.resolve();
  };
}
