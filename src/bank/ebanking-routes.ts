import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { Sensitive } from '../shared/index.ts';
import type { CodeError, Ebanking } from './ebanking.ts';

const text = (max: number) =>
  z.string({ error: 'is required (a string)' }).min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const loginBody = z.strictObject({ username: text(100), password: text(200) });
const passwordBody = loginBody.extend({ newPassword: text(200) });
const codeBody = z.strictObject({ code: z.string({ error: 'is required (a string)' }).regex(/^\d{4,12}$/, 'must be 4 to 12 digits') });
const referenceParam = /^\d{8}$/;

const CODE_STATUS: Record<CodeError, number> = {
  invalid_code: 403,
  too_many_attempts: 429,
  expired: 410,
  already_used: 409,
  not_blocked: 409,
  not_pending: 409,
  not_found: 404,
};

/**
 * The reference bank's e-banking endpoints (no token: they stand for the
 * bank's own e-banking, reached after its own login):
 *
 *   POST /bank/ebanking/login                         {username, password}
 *   POST /bank/ebanking/password                      {username, password, newPassword}
 *   POST /bank/ebanking/operations/:reference/unlock  {code}
 *   POST /bank/ebanking/operations/:reference/sign    {code}
 *
 * Errors are `{error, message?}`: 400 bad body or weak new password, 401
 * wrong credentials, 423 locked user (right credentials), 403 wrong code,
 * 404 unknown operation, 409 used code or wrong operation state, 410 expired
 * code, 429 code killed by too many wrong tries.
 *
 * @example
 *   await app.register(ebankingRoutes(bank.ebanking));
 *   await app.inject({ method: 'POST', url: '/bank/ebanking/login', payload: { username, password } });
 */
export function ebankingRoutes(ebanking: Ebanking): FastifyPluginAsync {
  return (app) => {
    app.post('/bank/ebanking/login', async (req, reply) => {
      const body = loginBody.safeParse(req.body);
      if (!body.success) return badBody(reply, body.error);
      const r = await ebanking.login(body.data.username, new Sensitive(body.data.password));
      if (r.ok) return { status: r.status };
      return reply.code(r.error === 'user_locked' ? 423 : 401).send({ error: r.error });
    });

    app.post('/bank/ebanking/password', async (req, reply) => {
      const body = passwordBody.safeParse(req.body);
      if (!body.success) return badBody(reply, body.error);
      const r = await ebanking.changePassword(body.data.username, new Sensitive(body.data.password), new Sensitive(body.data.newPassword));
      if (r.ok) return { status: 'changed' };
      const status = r.error === 'user_locked' ? 423 : r.error === 'invalid_credentials' ? 401 : 400;
      const message =
        r.error === 'password_too_short' ? 'the new password must have at least 8 characters'
        : r.error === 'password_unchanged' ? 'the new password must differ from the current one'
        : undefined;
      return reply.code(status).send(message ? { error: r.error, message } : { error: r.error });
    });

    for (const action of ['unlock', 'sign'] as const) {
      app.post<{ Params: { reference: string } }>(`/bank/ebanking/operations/:reference/${action}`, async (req, reply) => {
        if (!referenceParam.test(req.params.reference)) {
          return reply.code(400).send({ error: 'invalid_body', message: 'reference must be 8 digits' });
        }
        const body = codeBody.safeParse(req.body);
        if (!body.success) return badBody(reply, body.error);
        const code = new Sensitive(body.data.code);
        const r = action === 'unlock' ? await ebanking.unlockOperation(req.params.reference, code) : await ebanking.signOperation(req.params.reference, code);
        if (r.ok) return { status: r.status };
        return reply.code(CODE_STATUS[r.error]).send({ error: r.error });
      });
    }
    return Promise.resolve();
  };
}

function badBody(reply: FastifyReply, error: z.ZodError): FastifyReply {
  // Messages name fields and rules, never the values sent.
  const message = error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  return reply.code(400).send({ error: 'invalid_body', message });
}
