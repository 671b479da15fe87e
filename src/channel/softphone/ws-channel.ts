import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { systemClock, type Clock } from '../../shared/index.ts';
import type { LineLike } from './line-like.ts';
import { SoftphoneConnection } from './softphone-connection.ts';

export interface SoftphoneOptions {
  /** Route path; default "/softphone". */
  path?: string;
  /** Times the wait for `dial`; default the system clock. */
  clock?: Clock;
  /** How long a fresh socket may stay silent before `dial`; default 10 s. */
  dialTimeoutMs?: number;
}

const WEBSOCKET_PLUGIN = '@fastify/websocket';

/**
 * Serves the softphone: `GET /softphone` upgrades to a WebSocket speaking the
 * protocol of protocol.ts, and each `dial` starts a call on `line`.
 *
 * Registers @fastify/websocket itself (inside its own encapsulated scope) when
 * the app has not: an app that registered it already, awaited or not, keeps
 * its own plugin and options. Await it before `listen()` or `ready()`.
 *
 * @example
 *   const app = Fastify();
 *   await registerSoftphone(app, { startCall: ({ channel, from, to }) => sessions.start(channel, from, to) });
 *   await app.listen({ port: 8080 });
 */
export async function registerSoftphone(app: FastifyInstance, line: LineLike, opts: SoftphoneOptions = {}): Promise<void> {
  const clock = opts.clock ?? systemClock;
  const dialTimeoutMs = opts.dialTimeoutMs ?? 10_000;
  // In a child plugin, plugins the app queued before (awaited or not) are loaded and
  // visible to hasPlugin; `await app.after()` followed by a register at the root stalls avvio.
  await app.register(async (scope) => {
    if (!scope.hasPlugin(WEBSOCKET_PLUGIN)) await scope.register(fastifyWebsocket);
    scope.get(opts.path ?? '/softphone', { websocket: true }, (socket, request) => {
      new SoftphoneConnection(socket, line, { clock, dialTimeoutMs, log: request.log });
    });
  });
}
