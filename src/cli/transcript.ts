import type { CallEvent, CallResult, ServerMessage } from '../channel/index.ts';

/**
 * The readable transcript of `clave call` (without --json), printed as the
 * call goes. Keys typed where the line asks for a secret (a listen marked
 * `secret`) are shown as "*": the spec wants
 * PINs masked in transcripts, and terminals get pasted into bug reports.
 *
 * @example
 *   const t = new Transcript((line) => process.stdout.write(line + '\n'));
 *   SoftphoneCall.dial({ ...opts, onMessage: (m) => t.message(m), onEvent: (e) => t.event(e) });
 */
export class Transcript {
  readonly #print: (line: string) => void;
  #secret = false;

  constructor(print: (line: string) => void) {
    this.#print = print;
  }

  start(to: string, from: string, url: string): void {
    this.#print(`Calling ${to} from ${from} (${url})`);
  }

  message(msg: ServerMessage): void {
    if (msg.type === 'listen') this.#secret = msg.secret === true;
  }

  event(event: CallEvent): void {
    switch (event.type) {
      case 'prompt':
        this.#print(`line  ${event.text}`);
        return;
      case 'keys':
        this.#print(`you   ${this.#secret ? '*' : event.value}`);
        return;
      case 'transfer':
        this.#print(`line  (transfers the call to ${event.target})`);
        return;
      case 'hangup':
        this.#print(event.by === 'line' ? 'line  (hangs up)' : 'you   (hang up)');
        return;
    }
  }

  end(result: CallResult): void {
    this.#print(`Call ${result.callId} ended: ${result.outcome} (language ${result.language})`);
  }
}
