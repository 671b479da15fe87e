import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';

export type Logger = PinoLogger;

/**
 * Paths pino redacts wherever they appear: a second net under the rule that
 * secrets travel wrapped in Sensitive and are never passed to a logger.
 */
export const REDACT_PATHS = [
  'pin', '*.pin', 'pinBlock', '*.pinBlock', 'password', '*.password', 'newPassword', '*.newPassword',
  'code', '*.code', 'key', '*.key', 'secret', '*.secret', 'req.headers.authorization',
];

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    { level: options.level ?? 'info', redact: { paths: REDACT_PATHS, censor: '[secret]' }, base: { service: 'clave' } },
    options.destination,
  );
}
