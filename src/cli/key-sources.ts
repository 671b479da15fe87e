import { createInterface } from 'node:readline';
import { emitKeypressEvents } from 'node:readline';
import { SoftphoneCall, type CallResult, type DialOptions } from '../channel/index.ts';
import type { CliStdin } from './io.ts';

const PHONE_KEY = /^[0-9*#]$/;

/**
 * A caller at a terminal: each keypress 0-9 * # is sent at once; q or Ctrl-C
 * hangs up (pressed again, gives up waiting for the line).
 *
 * @example
 *   const result = await runInteractiveCall({ server, from, to }, process.stdin);
 */
export async function runInteractiveCall(dial: DialOptions, stdin: CliStdin): Promise<CallResult> {
  emitKeypressEvents(stdin);
  stdin.setRawMode?.(true);
  const call = SoftphoneCall.dial(dial);
  const onKeypress = (str: string | undefined, key: { name?: string; ctrl?: boolean } | undefined): void => {
    // Raw mode turns Ctrl-C into a keypress instead of SIGINT, so it is ours to handle.
    if ((key?.ctrl === true && key.name === 'c') || str === 'q' || str === 'Q') {
      if (call.hungUp) call.abandon();
      else call.hangup();
    } else if (str !== undefined && PHONE_KEY.test(str)) {
      call.pressKey(str);
    }
  };
  stdin.on('keypress', onKeypress);
  stdin.resume();
  try {
    return await call.result;
  } finally {
    stdin.off('keypress', onKeypress);
    stdin.setRawMode?.(false);
    stdin.pause();
  }
}

/**
 * Keys from a pipe: each line's keys are sent as soon as it is read (spaces
 * ignored, q hangs up). At end of input the caller hangs up the next time the
 * line listens, as a spent --keys script does.
 *
 * @example
 *   // printf '1\n2580\n' | clave call --from … --to …
 *   const result = await runLinesCall({ server, from, to }, process.stdin, (m) => process.stderr.write(m));
 */
export async function runLinesCall(dial: DialOptions, stdin: CliStdin, warn: (message: string) => void): Promise<CallResult> {
  let listening = false; // the line listens and nothing was sent since
  let eof = false;
  const call = SoftphoneCall.dial({
    ...dial,
    onMessage(msg, c) {
      dial.onMessage?.(msg, c);
      if (msg.type !== 'listen') return;
      if (eof) c.hangup();
      else listening = true;
    },
  });
  const lines = createInterface({ input: stdin, terminal: false });
  lines.on('line', (line) => {
    for (const ch of line.replace(/\s+/g, '')) {
      if (ch === 'q' || ch === 'Q') {
        call.hangup();
      } else if (PHONE_KEY.test(ch)) {
        call.pressKey(ch);
        listening = false;
      } else {
        warn(`ignored ${JSON.stringify(ch)}: keys are 0-9 * # (q hangs up)\n`);
      }
    }
  });
  lines.on('close', () => {
    eof = true;
    if (listening) call.hangup();
  });
  try {
    return await call.result;
  } finally {
    lines.close();
    stdin.pause();
  }
}
