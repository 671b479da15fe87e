import { randomBytes } from 'node:crypto';
import type { NameAddr, SipUri } from '../grammar/message.ts';
import { assertMove } from '../core/moves.ts';

/** A random token for tags, branches and Call-IDs (RFC 3261 §19.3: at least 32 bits of randomness). */
export function token(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}

export type DialogState = 'early' | 'confirmed' | 'terminated';

const MOVES: Record<DialogState, readonly DialogState[]> = {
  early: ['confirmed', 'terminated'],
  confirmed: ['terminated'],
  terminated: [],
};

/**
 * The UAS side of a dialog (RFC 3261 §12.1.1): identified by Call-ID, our
 * tag and theirs; requests we send in it go to the remote target through
 * the route set, with our own CSeq.
 */
export class Dialog {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** The caller's identity as it appeared in From (our To in requests we send). */
  readonly remote: NameAddr;
  /** Our identity (the To of the INVITE, with our tag). */
  readonly local: NameAddr;
  /** Contact of the INVITE: where in-dialog requests go (§12.1.1). */
  remoteTarget: SipUri;
  /** Record-Route of the INVITE, in order (§12.1.1: "the route set MUST be set to the list of URIs in the Record-Route header field"). */
  readonly routeSet: string[];
  remoteSeq: number;
  localSeq: number;
  #state: DialogState = 'early';

  constructor(init: { callId: string; localTag: string; remoteTag: string; remote: NameAddr; local: NameAddr; remoteTarget: SipUri; routeSet: string[]; remoteSeq: number }) {
    this.callId = init.callId;
    this.localTag = init.localTag;
    this.remoteTag = init.remoteTag;
    this.remote = init.remote;
    this.local = init.local;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
    this.remoteSeq = init.remoteSeq;
    // §12.1.1: the local sequence number starts anywhere; a random start avoids reuse across restarts.
    this.localSeq = 1 + Math.floor(Math.random() * 10_000);
  }

  get id(): string {
    return dialogId(this.callId, this.localTag, this.remoteTag);
  }

  get state(): DialogState {
    return this.#state;
  }

  transition(to: DialogState): void {
    assertMove('dialog', MOVES, this.#state, to);
    this.#state = to;
  }

  nextSeq(): number {
    this.localSeq += 1;
    return this.localSeq;
  }
}

export function dialogId(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}|${localTag}|${remoteTag}`;
}
