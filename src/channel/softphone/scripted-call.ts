import { ClaveError } from '../../shared/index.ts';
import type { CallResult } from './call-result.ts';
import { SoftphoneCall, type DialOptions } from './client.ts';

/**
 * Splits a keys script into single keys: digits, * and #, spaces ignored.
 *
 * @example
 *   parseKeys('1 2 #'); // ['1', '2', '#']
 */
export function parseKeys(keys: string): string[] {
  const compact = keys.replace(/\s+/g, '');
  if (!/^[0-9*#]*$/.test(compact)) throw new ClaveError('INVALID_ARGUMENT', 'keys may hold only digits, * and # (spaces are ignored)');
  return [...compact];
}

export interface ScriptedCallOptions extends DialOptions {
  /** Keys to press, one each time the line listens, e.g. "1 1 1 1 12345678 4821 2580". */
  keys: string;
}

/**
 * Places a call and answers each `listen` of the line with the next key of
 * the script; once the script is spent, the next `listen` hangs up.
 * `onMessage`, if given, sees each message before the script answers it.
 * Resolves with the finished call; rejects like SoftphoneCall.result, or with
 * INVALID_ARGUMENT for a bad script or server URL.
 *
 * @example
 *   const call = await runScriptedCall({ server: 'http://127.0.0.1:8080', from: '+34600111222', to: '950183313', keys: '2 1 1', timeoutMs: 30_000 });
 *   call.outcome; // e.g. 'caller_hung_up'
 */
export async function runScriptedCall(opts: ScriptedCallOptions): Promise<CallResult> {
  const script = parseKeys(opts.keys);
  const call = SoftphoneCall.dial({
    ...opts,
    onMessage(msg, c) {
      opts.onMessage?.(msg, c);
      if (msg.type !== 'listen') return;
      const key = script.shift();
      if (key === undefined) c.hangup();
      else c.pressKey(key);
    },
  });
  return await call.result;
}
