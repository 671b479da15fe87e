import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Drill } from './drill.ts';

const drillBody = z
  .strictObject({
    mode: z.enum(['ok', 'down', 'slow', 'errors'], { error: 'must be one of ok, down, slow, errors' }),
    delayMs: z.int({ error: 'must be a whole number of milliseconds' }).min(0, 'must be at least 0').max(600_000, 'must be at most 600000').optional(),
  })
  .refine((b) => b.delayMs === undefined || b.mode === 'slow', { message: 'delayMs applies to mode slow only', path: ['delayMs'] });

/**
 * The drill's switch, for operators rehearsing an outage and for tests that
 * break the bank from outside:
 *
 *   GET  /bank/drill                                        → 200 {mode, delayMs?}
 *   POST /bank/drill {mode: "down"|"slow"|"errors"|"ok", delayMs?} → 200 {mode, delayMs?}
 *
 * Both need `Authorization: Bearer <token>` (401 otherwise); a bad body is
 * 400 `{error: "invalid_body", message}`. `delayMs` (slow only) defaults to 5000.
 *
 * @example
 *   await app.register(drillRoutes(drill, token));
 *   await app.inject({ method: 'POST', url: '/bank/drill', headers: { authorization: `Bearer ${token}` }, payload: { mode: 'down' } });
 */
export function drillRoutes(drill: Drill, token: string): FastifyPluginAsync {
  const view = () => (drill.mode === 'slow' ? { mode: drill.mode, delayMs: drill.delayMs } : { mode: drill.mode });
  return (app) => {
    const guard = bearerGuard(token);
    app.get('/bank/drill', { preHandler: guard }, () => Promise.resolve(view()));
    app.post('/bank/drill', { preHandler: guard }, async (req, reply) => {
      const body = drillBody.safeParse(req.body);
      if (!body.success) {
        const message = body.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
        return reply.code(400).send({ error: 'invalid_body', message });
      }
      drill.set(body.data.mode, body.data.delayMs);
      return view();
    });
    return Promise.resolve();
  };
}

// The same check as src/http/auth.ts (the bank may not import http): both
// sides hashed first, so the comparison takes the same time whatever is sent.
function bearerGuard(token: string) {
  const want = createHash('sha256').update(token).digest();
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
    const got = createHash('sha256').update(match?.[1] ?? '').digest();
    if (!match || !timingSafeEqual(want, got)) {
      await reply.code(401).header('www-authenticate', 'Bearer realm="clave"').send({ error: 'unauthorized', message: 'send Authorization: Bearer <token>' });
    }
  };
}
