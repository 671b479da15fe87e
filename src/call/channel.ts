/**
 * What the call session asks of the transport a call arrived on. The
 * softphone (WebSocket) and SIP/RTP channels implement it; the session never
 * knows which one it talks to.
 */
export interface RenderedPrompt {
  /** Catalog id, e.g. "main_menu". */
  id: string;
  /** The text the caller hears, in the call's language. */
  text: string;
  /** Values filled into the text (a signing key is params.key). */
  params: Record<string, string>;
  /** Spoken in this language rather than the play's (an announcement text shown in its fallback language). */
  language?: string;
}

export interface ListenInfo {
  node: string;
  kind: 'menu' | 'collect';
  /** How many more keys the line accepts at most (1 for menus). */
  maxDigits: number;
  /** The keys are a secret (a PIN): show them masked. */
  secret?: boolean;
}

export interface CallChannel {
  readonly kind: 'softphone' | 'sip';
  /** Plays prompts in order; the channel reports session.promptEnded(playId) when done. */
  play(playId: number, prompts: RenderedPrompt[], opts: { bargeIn: boolean; language: string }): void;
  /** Stops a play early (barge-in); no promptEnded follows for it. */
  stopPlay(playId: number): void;
  /** The line now waits for keys. */
  listen(info: ListenInfo): void;
  /** Blind transfer; resolves when the far end accepted or refused it. */
  transfer(target: string): Promise<'completed' | 'refused'>;
  /** The line hangs up. Called once, after the outcome is known. */
  hangup(outcome: string): void;
}

/** What a channel tells the session. */
export interface CallInput {
  readonly callId: string;
  digit(key: string): void;
  promptEnded(playId: number): void;
  /** The caller hung up. */
  hangup(): void;
  /** Resolves with the outcome once the call has ended and been recorded. */
  readonly ended: Promise<{ outcome: string; language: string }>;
}
