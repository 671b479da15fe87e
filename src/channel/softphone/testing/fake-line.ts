import type { LineLike, SoftphoneCallChannel, SoftphoneCallInput, SoftphoneListenInfo, SoftphonePrompt } from '../line-like.ts';

type Ended = { outcome: string; language: string };

const prompt = (id: string, text: string, params: Record<string, string> = {}): SoftphonePrompt => ({ id, text, params });

/**
 * One call on the FakeLine: a tiny hand-written session, enough to drive a
 * softphone client through every message kind. Menu: 1 asks a secret 4-digit
 * code (one `listen` per digit, as a real session does), 9 transfers.
 */
export class FakeCall implements SoftphoneCallInput {
  readonly callId: string;
  readonly ended: Promise<Ended>;
  /** What happened, in order: "listen:<node>:<maxDigits>", "digit:<k>", "promptEnded:<id>", "hangup". */
  readonly log: string[] = [];
  readonly from: string;
  readonly to: string;
  readonly channel: SoftphoneCallChannel;
  #resolve!: (e: Ended) => void;
  #playId = 0;
  #playing: number | undefined;
  #node: 'menu' | 'code' | 'over' = 'menu';
  #code = '';

  constructor(callId: string, channel: SoftphoneCallChannel, from: string, to: string, silent: boolean) {
    this.callId = callId;
    this.channel = channel;
    this.from = from;
    this.to = to;
    this.ended = new Promise((r) => (this.#resolve = r));
    if (!silent) this.#play([prompt('welcome', 'Welcome to Clave.'), prompt('main_menu', 'Press 1 for a code, 9 for an agent.')]);
  }

  digit(key: string): void {
    this.log.push(`digit:${key}`);
    if (this.#playing !== undefined) {
      this.channel.stopPlay(this.#playing);
      this.#playing = undefined;
    }
    if (this.#node === 'menu') this.#menu(key);
    else if (this.#node === 'code') this.#collect(key);
  }

  promptEnded(playId: number): void {
    this.log.push(`promptEnded:${playId}`);
    if (playId !== this.#playing) return;
    this.#playing = undefined;
    if (this.#node === 'menu') this.#listen('main_menu', 'menu', 1);
    else if (this.#node === 'code') this.#listen('code', 'collect', 4 - this.#code.length, true);
    else this.#end('code_taken');
  }

  hangup(): void {
    this.log.push('hangup');
    if (this.#node !== 'over') this.#finish('caller_hung_up');
  }

  #menu(key: string): void {
    if (key === '1') {
      this.#node = 'code';
      this.#play([prompt('ask_code', 'Key your 4-digit code.')]);
    } else if (key === '9') {
      this.#node = 'over';
      void this.channel.transfer('agent').then(() => this.#end('transferred_to_agent'));
    } else {
      this.#play([prompt('invalid', 'That is not an option.'), prompt('main_menu', 'Press 1 for a code, 9 for an agent.')]);
    }
  }

  #collect(key: string): void {
    this.#code += key;
    if (this.#code.length < 4) {
      this.#listen('code', 'collect', 4 - this.#code.length, true);
      return;
    }
    this.#node = 'over';
    this.#play([prompt('goodbye', 'Your code {code} was taken. Goodbye.', { code: '****' })]);
  }

  #play(prompts: SoftphonePrompt[]): void {
    this.#playing = ++this.#playId;
    this.channel.play(this.#playing, prompts, { bargeIn: true, language: 'en' });
  }

  #listen(node: string, kind: 'menu' | 'collect', maxDigits: number, secret = false): void {
    this.log.push(`listen:${node}:${maxDigits}`);
    // `secret` is the softphone's extension of ListenInfo, passed as a session would once it has it.
    const info: SoftphoneListenInfo = secret ? { node, kind, maxDigits, secret } : { node, kind, maxDigits };
    this.channel.listen(info);
  }

  #end(outcome: string): void {
    this.channel.hangup(outcome);
    this.#finish(outcome);
  }

  #finish(outcome: string): void {
    this.#node = 'over';
    this.#resolve({ outcome, language: 'en' });
  }
}

export interface FakeLineOptions {
  /** startCall answers after a macrotask, like a session that reads the store first. */
  async?: boolean;
  /** startCall throws this instead of answering. */
  refuse?: Error;
  /** The call plays nothing and never ends by itself. */
  silent?: boolean;
}

/**
 * A line for testing softphone clients and the WebSocket channel without a
 * call session (it is the layer below the line, so a fake is fair here).
 *
 * @example
 *   const line = new FakeLine();
 *   await registerSoftphone(app, line);
 *   // … after a call: line.calls[0].log
 */
export class FakeLine implements LineLike {
  readonly calls: FakeCall[] = [];
  readonly #opts: FakeLineOptions;

  constructor(opts: FakeLineOptions = {}) {
    this.#opts = opts;
  }

  startCall(args: { channel: SoftphoneCallChannel; from: string; to: string }): FakeCall | Promise<FakeCall> {
    if (this.#opts.refuse) throw this.#opts.refuse;
    const make = () => {
      const call = new FakeCall(`fake-${this.calls.length + 1}`, args.channel, args.from, args.to, this.#opts.silent === true);
      this.calls.push(call);
      return call;
    };
    if (!this.#opts.async) return make();
    return new Promise((resolve) => setImmediate(() => resolve(make())));
  }
}
