import type { FastifyReply, FastifyRequest } from 'fastify';
import { isClaveError } from '../shared/index.ts';

/** How long a client should wait before trying again while the database fails. */
const STORE_RETRY_AFTER_SECONDS = 30;

/**
 * The answer to an error no route expected. The database failing (a full
 * disk, no connection) is 503 with what is wrong and Retry-After, so an
 * operator's tool says why instead of "internal error"; the store's message
 * names the condition only, never a row. Anything else is a bug: logged,
 * and 500 without details.
 *
 * @example
 *   app.setErrorHandler((err, request, reply) => knownErrors(err, reply) ?? unexpectedError(err, request, reply, 'incidents API'));
 */
export function unexpectedError(err: unknown, request: FastifyRequest, reply: FastifyReply, what: string): FastifyReply {
  if (isClaveError(err, 'STORE_UNAVAILABLE')) {
    request.log.warn({ condition: err.details['condition'] }, `${what}: the database is failing`);
    return reply
      .code(503)
      .header('retry-after', String(STORE_RETRY_AFTER_SECONDS))
      .send({ error: 'store_unavailable', code: err.code, message: err.message });
  }
  request.log.error({ err }, `${what} request failed`);
  return reply.code(500).send({ error: 'internal_error', message: 'internal error' });
}
