import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SECURITY_MODES, type SecurityModes, type SecurityModeState } from '../operators/index.ts';
import { unexpectedError } from './unexpected-error.ts';
import { isClaveError, type ClaveErrorCode } from '../shared/index.ts';

export interface SecurityModeApiDeps {
  modes: Pick<SecurityModes, 'refresh' | 'propose' | 'approve' | 'reject' | 'changes' | 'history'>;
  /** The operator the request authenticated as (operatorGuard): proposer, approver, and the audit's actor. */
  operatorOf(request: FastifyRequest): string;
}

const STATUS_OF: Partial<Record<ClaveErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  // Four eyes: this operator may not approve; another may (the request is understood, the person is wrong).
  APPROVER_IS_PROPOSER: 403,
  SECURITY_CHANGE_NOT_FOUND: 404,
  SECURITY_CHANGE_NOT_PENDING: 409,
};
const ERROR_OF: Record<number, string> = { 400: 'bad_request', 403: 'forbidden', 404: 'not_found', 409: 'conflict' };

const ProposeBody = z.strictObject({
  mode: z.enum(SECURITY_MODES),
  reason: z.string().min(1).max(500),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
const Limit = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).optional() });
const ChangesQuery = z.strictObject({ pending: z.enum(['true', 'false']).optional(), limit: z.coerce.number().int().min(1).max(1000).optional() });

function parse<T>(schema: z.ZodType<T>, value: unknown, reply: FastifyReply): T | undefined {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue?.path.join('.') || '(body)';
  void reply.code(400).send({ error: 'bad_request', code: 'INVALID_ARGUMENT', field, message: `${field}: ${issue?.message ?? 'invalid'}` });
  return undefined;
}

function view(state: SecurityModeState) {
  const { mode, reason, since, expiresAt, changedBy, changeId } = state;
  return { mode, reason, since, expiresAt, changedBy, changeId };
}

/**
 * The security mode API, registered under /api behind operatorGuard
 * (issue 6, a stable interface): GET /security-mode; POST /security-mode
 * {mode, reason, expiresAt?} by one operator → 202 and a pending change;
 * POST /security-mode/changes/{id}/approve by another → 200 and the mode
 * applied; by the proposer → 403 APPROVER_IS_PROPOSER. Also …/reject,
 * GET /security-mode/changes and GET /security-mode/history (the audit).
 *
 * @example
 *   await api.register(securityModeApi({ modes, operatorOf }));
 *   // POST /api/security-mode {"mode":"lockdown","reason":"…"} → 202 {"id":"smc-…","status":"pending",…}
 */
export function securityModeApi(deps: SecurityModeApiDeps): FastifyPluginAsync {
  const { modes } = deps;
  return (app) => {
    app.setErrorHandler((err: { statusCode?: number; message: string }, request, reply) => {
      if (isClaveError(err)) {
        const status = STATUS_OF[err.code];
        if (status !== undefined) {
          const field = typeof err.details['field'] === 'string' ? { field: err.details['field'] } : {};
          const state = typeof err.details['status'] === 'string' ? { status: err.details['status'] } : {};
          return reply.code(status).send({ error: ERROR_OF[status], code: err.code, ...field, ...state, message: err.message });
        }
      }
      if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
        return reply.code(err.statusCode).send({ error: 'bad_request', message: err.message });
      }
      return unexpectedError(err, request, reply, 'security mode API');
    });

    // Read from the store, not this process's cache: an operator checks what every process will apply.
    app.get('/security-mode', async () => ({ ...view(await modes.refresh()), pending: await modes.changes({ pending: true }) }));

    app.post('/security-mode', async (request, reply) => {
      const body = parse(ProposeBody, request.body, reply);
      if (!body) return reply;
      const change = await modes.propose(
        { mode: body.mode, reason: body.reason, ...(body.expiresAt ? { expiresAt: new Date(body.expiresAt) } : {}) },
        deps.operatorOf(request),
      );
      return reply.code(202).send(change);
    });

    app.post<{ Params: { id: string } }>('/security-mode/changes/:id/approve', async (request) => {
      const { change, current } = await modes.approve(request.params.id, deps.operatorOf(request));
      return { change, current: view(current) };
    });

    app.post<{ Params: { id: string } }>('/security-mode/changes/:id/reject', (request) => modes.reject(request.params.id, deps.operatorOf(request)));

    app.get('/security-mode/changes', async (request, reply) => {
      const q = parse(ChangesQuery, request.query, reply);
      if (!q) return reply;
      return modes.changes({ pending: q.pending === 'true', ...(q.limit ? { limit: q.limit } : {}) });
    });

    app.get('/security-mode/history', async (request, reply) => {
      const q = parse(Limit, request.query, reply);
      if (!q) return reply;
      return modes.history(q.limit ? { limit: q.limit } : {});
    });
    return Promise.resolve();
  };
}
