import type { CallChannel, CallInput, ListenInfo, RenderedPrompt } from '../../../call/index.ts';
import type { Clock, TimerHandle } from '../../../shared/index.ts';
import { formatNameAddr } from '../grammar/index.ts';
import type { NonInviteClientTransaction } from '../core/client-transaction.ts';
import type { InviteServerTransaction } from '../core/server-transaction.ts';
import { TIMER_H, T1, T2 } from '../core/timers.ts';
import type { Peer } from '../core/transport.ts';
import type { Dialog } from './dialog.ts';
import type { MediaSession } from './media-port.ts';
import { assertMove } from '../core/moves.ts';

export type SipCallState = 'answering' | 'answered' | 'live' | 'ending' | 'ended';

const MOVES: Record<SipCallState, readonly SipCallState[]> = {
  // An outbound call goes from answering (our INVITE out) straight to live on the callee's 2xx.
  answering: ['answered', 'live', 'ended'],
  answered: ['live', 'ending', 'ended'],
  live: ['ending', 'ended'],
  ending: ['ended'],
  ended: [],
};

export interface SipCallDeps {
  clock: Clock;
  /** Sends a request in the dialog (BYE, REFER) through a client transaction. */
  sendInDialog(dialog: Dialog, method: string, to: Peer, extra?: [string, string][]): NonInviteClientTransaction;
  onEnded(call: SipCall): void;
}

/**
 * One SIP call as the line sees it: a CallChannel whose prompts go out as
 * RTP and whose keys come in as RFC 4733 events, SIP INFO or tones. It owns
 * its dialog, its media and the 2xx retransmission of §13.3.1.4.
 */
export class SipCall implements CallChannel {
  readonly kind = 'sip' as const;
  readonly dialog: Dialog;
  /** The caller's INVITE; null for a call the line placed (the call-back). */
  readonly invite: InviteServerTransaction | null;
  readonly peer: Peer;
  readonly media: MediaSession;
  input: CallInput | null = null;
  #state: SipCallState = 'answering';
  /** The 2xx being retransmitted until its ACK, if any. */
  #pendingOk: { seq: number; timers: TimerHandle[] } | null = null;
  #playId: number | null = null;
  readonly #deps: SipCallDeps;

  constructor(init: { dialog: Dialog; invite: InviteServerTransaction | null; peer: Peer; media: MediaSession }, deps: SipCallDeps) {
    this.dialog = init.dialog;
    this.invite = init.invite;
    this.peer = init.peer;
    this.media = init.media;
    this.#deps = deps;
    this.media.onDigit = (key) => this.input?.digit(key);
    // Media lost under the call (a media thread died): hang up rather than leave the caller in silence.
    this.media.onFailed = () => {
      if (this.#state === 'ending' || this.#state === 'ended') return;
      const input = this.input;
      this.hangup('media_failed');
      input?.hangup();
    };
  }

  get state(): SipCallState {
    return this.#state;
  }

  transition(to: SipCallState): void {
    assertMove('SIP call', MOVES, this.#state, to);
    this.#state = to;
  }

  /**
   * RFC 3261 §13.3.1.4: "the 2xx response is passed to the transport with an
   * interval that starts at T1 seconds and doubles for each retransmission
   * until it reaches T2 seconds", until the ACK; without an ACK after 64*T1
   * the UAS "SHOULD terminate the dialog" with a BYE.
   */
  answered(ok: Buffer, resend: (data: Buffer) => void, unacknowledged: () => void): void {
    this.transition('answered');
    this.#retransmitOk(this.dialog.remoteSeq, ok, resend, unacknowledged);
  }

  /**
   * The 2xx to a re-INVITE (sequence number `seq`): retransmitted until its
   * ACK like the first one (§13.3.1.4; since RFC 6026 no transaction does it).
   * When no ACK comes the call is lost: a BYE goes out and the line, which
   * has the call, is told the caller is gone.
   */
  reanswered(seq: number, ok: Buffer, resend: (data: Buffer) => void): void {
    this.#retransmitOk(seq, ok, resend, () => {
      const input = this.input;
      this.hangup('no_ack');
      input?.hangup();
    });
  }

  /**
   * An ACK in the dialog, with its CSeq number. It stops the 2xx it
   * acknowledges (RFC 3261 §13.2.2.4: "The sequence number of the CSeq header
   * field MUST be the same as the INVITE being acknowledged"); the first one
   * makes the call live. True when this ACK started the call.
   */
  acknowledged(seq: number): boolean {
    if (this.#pendingOk?.seq !== seq) return false;
    this.#stopOk();
    if (this.#state !== 'answered') return false;
    this.transition('live');
    this.dialog.transition('confirmed');
    this.media.start();
    return true;
  }

  /**
   * An outbound call the callee answered: the 2xx has been acknowledged
   * (RFC 3261 §13.2.2.4, by the UAC core), the dialog is confirmed, media
   * flows.
   */
  connected(): void {
    this.transition('live');
    this.dialog.transition('confirmed');
    this.media.start();
  }

  // ── CallChannel ─────────────────────────────────────────────────────────

  play(playId: number, prompts: RenderedPrompt[], opts: { bargeIn: boolean; language: string }): void {
    this.#playId = playId;
    this.media.play(
      prompts,
      opts.language,
      () => {
        if (this.#playId !== playId) return;
        this.#playId = null;
        this.input?.promptEnded(playId);
      },
      { bargeIn: opts.bargeIn },
    );
  }

  stopPlay(playId: number): void {
    if (this.#playId !== playId) return;
    this.#playId = null;
    this.media.stop();
  }

  listen(_info: ListenInfo): void {}

  async transfer(target: string): Promise<'completed' | 'refused'> {
    if (this.#state !== 'live') return 'refused';
    const tx = this.#deps.sendInDialog(this.dialog, 'REFER', this.peer, [
      ['Refer-To', `<${target}>`],
      // Our identity is the To of the INVITE; its host is empty for a tel: URI, so the URI is written whole.
      ['Referred-By', formatNameAddr({ displayName: null, uri: this.dialog.local.uri, params: {} })],
    ]);
    const outcome = await tx.result;
    // RFC 3515 §2.4.2: 202 Accepted means the far end will try the transfer.
    return outcome.kind === 'response' && outcome.response.status >= 200 && outcome.response.status < 300 ? 'completed' : 'refused';
  }

  /** The line hangs up: BYE (§15.1.1), then the call is over whatever the answer. */
  hangup(_outcome: string): void {
    if (this.#state === 'ending' || this.#state === 'ended') return;
    if (this.#state === 'live' || this.#state === 'answered') {
      this.transition('ending');
      this.#stopOk();
      const tx = this.#deps.sendInDialog(this.dialog, 'BYE', this.peer);
      void tx.result.then(() => this.close());
      return;
    }
    this.close();
  }

  // ── from the caller ─────────────────────────────────────────────────────

  /** BYE, CANCEL or a lost dialog: the caller is gone. */
  remoteHangup(): void {
    if (this.#state === 'ended') return;
    // A BYE crossing ours: the line hung up first and is not told again.
    if (this.#state !== 'ending') this.input?.hangup();
    this.close();
  }

  digit(key: string): void {
    this.input?.digit(key);
  }

  close(): void {
    if (this.#state === 'ended') return;
    this.#stopOk();
    this.#state = 'ended';
    if (this.dialog.state !== 'terminated') this.dialog.transition('terminated');
    this.media.close();
    this.#deps.onEnded(this);
  }

  #retransmitOk(seq: number, ok: Buffer, resend: (data: Buffer) => void, giveUp: () => void): void {
    this.#stopOk();
    const pending = { seq, timers: [] as TimerHandle[] };
    this.#pendingOk = pending;
    const clock = this.#deps.clock;
    let interval = T1;
    const again = () => {
      pending.timers.push(
        clock.setTimeout(() => {
          if (this.#pendingOk !== pending) return;
          resend(ok);
          interval = Math.min(2 * interval, T2);
          again();
        }, interval),
      );
    };
    again();
    pending.timers.push(
      clock.setTimeout(() => {
        if (this.#pendingOk !== pending) return;
        this.#stopOk();
        giveUp();
      }, TIMER_H),
    );
  }

  #stopOk(): void {
    for (const t of this.#pendingOk?.timers ?? []) this.#deps.clock.clearTimeout(t);
    this.#pendingOk = null;
  }
}
