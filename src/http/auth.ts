import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A bearer-token check that takes the same time whatever the token: both
 * sides are hashed first, so lengths never leak through timing.
 */
export function bearerGuard(token: string) {
  const want = createHash('sha256').update(token).digest();
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const got = createHash('sha256').update(match?.[1] ?? '').digest();
    if (!match || !timingSafeEqual(want, got)) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="clave"')
        .send({ error: 'unauthorized', message: 'send Authorization: Bearer <CLAVE_ADMIN_TOKEN>' });
    }
  };
}
