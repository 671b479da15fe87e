import type { CallInput } from '../../../../call/index.ts';
import type { LinePort } from '../user-agent.ts';
import type { SipCall } from '../sip-call.ts';

type Ended = { outcome: string; language: string };

/** What the line saw of one call: "digit:<k>", "promptEnded:<id>", "hangup". */
export class FakeCallInput implements CallInput {
  readonly callId: string;
  readonly channel: SipCall;
  readonly from: string;
  readonly to: string;
  readonly log: string[] = [];
  readonly ended: Promise<Ended>;
  #resolve!: (e: Ended) => void;

  constructor(callId: string, channel: SipCall, from: string, to: string) {
    this.callId = callId;
    this.channel = channel;
    this.from = from;
    this.to = to;
    this.ended = new Promise((r) => (this.#resolve = r));
  }

  digit(key: string): void {
    this.log.push(`digit:${key}`);
  }

  promptEnded(playId: number): void {
    this.log.push(`promptEnded:${playId}`);
  }

  hangup(): void {
    this.log.push('hangup');
    this.#resolve({ outcome: 'caller_hung_up', language: 'en' });
  }
}

/**
 * A LinePort for UA tests: knows a fixed set of dialed numbers and keeps
 * every call it was given. `refuse` makes startCall throw.
 */
export class FakeLinePort implements LinePort {
  readonly numbers: Set<string>;
  readonly calls: FakeCallInput[] = [];
  refuse = false;

  constructor(numbers: string[]) {
    this.numbers = new Set(numbers);
  }

  knows(to: string): boolean {
    return this.numbers.has(to);
  }

  startCall(args: { channel: SipCall; from: string; to: string }): CallInput {
    if (this.refuse) throw new Error('line refused the call');
    const input = new FakeCallInput(`call-${this.calls.length + 1}`, args.channel, args.from, args.to);
    this.calls.push(input);
    return input;
  }
}
