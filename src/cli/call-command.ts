import { parseArgs } from 'node:util';
import { isClaveError } from '../shared/index.ts';
import { parseKeys, runScriptedCall, softphoneUrl, type CallResult, type DialOptions } from '../channel/index.ts';
import type { CliIo } from './io.ts';
import { runInteractiveCall, runLinesCall } from './key-sources.ts';
import type { Command } from './command.ts';
import { Transcript } from './transcript.ts';

const USAGE = `usage: clave call --from NUMBER --to NUMBER [options]

Places a call on a Clave line through its softphone (WebSocket) endpoint.

  --server URL      the Clave server, http(s) or ws(s) (default http://127.0.0.1:8080)
  --from NUMBER     caller ID, e.g. +34600111222
  --to NUMBER       dialed number, e.g. 950183313
  --keys "1 2 #"    scripted: press the next key each time the line listens, hang up when
                    they run out (spaces ignored). Without --keys: type keys (0-9 * #, q hangs
                    up) on a terminal, or pipe them in, one or more per line
  --json            print one JSON object at the end: {callId, outcome, language, events}
  --timeout SEC     hang up and fail after SEC seconds (default 120; 0: no limit)

Exit status: 0 the call ended (any outcome), 1 no server, broken protocol or timeout, 2 bad usage.
`;

const OPTIONS = {
  server: { type: 'string', default: 'http://127.0.0.1:8080' },
  from: { type: 'string' },
  to: { type: 'string' },
  keys: { type: 'string' },
  json: { type: 'boolean', default: false },
  timeout: { type: 'string', default: '120' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/**
 * `clave call`: scripted (--keys), interactive (a terminal) or piped keys.
 *
 * @example
 *   await runCallCommand(['--from', '+34600111222', '--to', '950183313', '--keys', '1 1', '--json'], processIo()); // 0
 */
export async function runCallCommand(args: string[], io: CliIo): Promise<number> {
  const usageError = (message: string): number => {
    io.stderr.write(`clave call: ${message}\n\n${USAGE}`);
    return 2;
  };
  let values;
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (values.from === undefined || values.to === undefined) return usageError('--from and --to are required');
  const timeoutSeconds = Number(values.timeout);
  if (values.timeout.trim() === '' || !Number.isFinite(timeoutSeconds) || timeoutSeconds < 0) return usageError(`--timeout must be seconds >= 0, not ${values.timeout}`);
  let url: string;
  try {
    url = softphoneUrl(values.server);
    if (values.keys !== undefined) parseKeys(values.keys);
  } catch (err) {
    if (isClaveError(err, 'INVALID_ARGUMENT')) return usageError(err.message);
    throw err;
  }

  const transcript = values.json ? undefined : new Transcript((line) => io.stdout.write(`${line}\n`));
  const dial: DialOptions = {
    server: values.server,
    from: values.from,
    to: values.to,
    timeoutMs: timeoutSeconds * 1000,
    onMessage: (msg) => transcript?.message(msg),
    onEvent: (event) => transcript?.event(event),
  };
  transcript?.start(values.to, values.from, url);
  let result: CallResult;
  try {
    if (values.keys !== undefined) {
      result = await runScriptedCall({ ...dial, keys: values.keys });
    } else if (io.stdin.isTTY === true) {
      io.stderr.write('Keys: 0-9 * # are sent as you press them; q or Ctrl-C hangs up.\n');
      result = await runInteractiveCall(dial, io.stdin);
    } else {
      result = await runLinesCall(dial, io.stdin, (m) => io.stderr.write(`clave call: ${m}`));
    }
  } catch (err) {
    if (isClaveError(err)) {
      io.stderr.write(`clave call: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  if (transcript) transcript.end(result);
  else io.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

export const callCommand: Command = { summary: 'place a call on the softphone (scripted or interactive)', run: runCallCommand };
