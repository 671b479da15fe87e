import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Operators } from '../operators/index.ts';

/** Who each request authenticated as; kept beside the request rather than on a decorated type. */
const operatorByRequest = new WeakMap<FastifyRequest, string>();

/**
 * An onRequest hook that lets in a request carrying `Authorization: Bearer
 * <token>` of a named operator (or the admin token, as "admin") and notes
 * the operator's name for operatorOf(); anything else gets 401. The
 * comparison is the operators' own, in constant time.
 *
 * @example
 *   api.addHook('onRequest', operatorGuard(operators));
 *   api.register(securityModeApi({ modes, operatorOf }));
 */
export function operatorGuard(operators: Pick<Operators, 'authenticate'>) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const name = match?.[1] ? await operators.authenticate(match[1]) : null;
    if (name === null) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="clave"')
        .send({ error: 'unauthorized', message: "send Authorization: Bearer <your operator token> (or CLAVE_ADMIN_TOKEN's)" });
      return;
    }
    operatorByRequest.set(request, name);
  };
}

/**
 * The operator a request authenticated as. Throws (a bug) for a request
 * that did not pass operatorGuard: no change is ever signed by nobody.
 *
 * @example
 *   securityModeApi({ modes, operatorOf }); // changes are signed by the caller's operator name
 */
export function operatorOf(request: FastifyRequest): string {
  const name = operatorByRequest.get(request);
  if (name === undefined) throw new Error('operatorOf: this route is not behind operatorGuard');
  return name;
}
