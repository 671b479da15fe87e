import { AdmissionControl, type Admission, type AdmissionOptions, type AdmissionPeek, type AdmissionTicket, type CallInput } from '../../../../call/index.ts';
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
  /** The place the UA took at the INVITE and handed over with the call. */
  readonly admission: AdmissionTicket | undefined;
  #resolve!: (e: Ended) => void;

  constructor(callId: string, channel: SipCall, from: string, to: string, admission?: AdmissionTicket) {
    this.callId = callId;
    this.channel = channel;
    this.from = from;
    this.to = to;
    this.admission = admission;
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
    // As the line does: the call over, its place is free.
    this.admission?.release();
    this.#resolve({ outcome: 'caller_hung_up', language: 'en' });
  }
}

/**
 * A LinePort for UA tests: knows a fixed set of dialed numbers and keeps
 * every call it was given. `refuse` makes startCall throw. With admission
 * options it has the line's admission control (admit, peek).
 */
export class FakeLinePort implements LinePort {
  readonly numbers: Set<string>;
  readonly calls: FakeCallInput[] = [];
  readonly control: AdmissionControl | null;
  readonly admit?: () => Admission;
  readonly peek?: () => AdmissionPeek;
  refuse = false;

  constructor(numbers: string[], admission?: AdmissionOptions) {
    this.numbers = new Set(numbers);
    const control = admission ? new AdmissionControl(admission) : null;
    this.control = control;
    if (control) {
      this.admit = () => control.admit();
      this.peek = () => control.peek();
    }
  }

  knows(to: string): boolean {
    return this.numbers.has(to);
  }

  startCall(args: { channel: SipCall; from: string; to: string; admission?: AdmissionTicket }): CallInput {
    if (this.refuse) throw new Error('line refused the call');
    const input = new FakeCallInput(`call-${this.calls.length + 1}`, args.channel, args.from, args.to, args.admission);
    this.calls.push(input);
    return input;
  }
}
