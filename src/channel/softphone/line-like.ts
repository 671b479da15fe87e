/**
 * The call context's channel contract as the softphone sees it. These are
 * structural copies of CallChannel, CallInput, RenderedPrompt and ListenInfo
 * (src/call/channel.ts): the channel context may import `call` only through
 * its index.ts, which the call context publishes itself. TypeScript compares
 * shapes, so a real session's CallInput fits `LineLike` unchanged; replace
 * these with `import type { … } from '../../call/index.ts'` once it exists.
 */
export interface SoftphonePrompt {
  id: string;
  text: string;
  params: Record<string, string>;
}

export interface SoftphoneListenInfo {
  node: string;
  kind: 'menu' | 'collect';
  maxDigits: number;
  /** Not (yet) in ListenInfo: forwarded when a session sets it (a PIN collect). */
  secret?: boolean;
}

/** Mirrors CallChannel. */
export interface SoftphoneCallChannel {
  readonly kind: 'softphone' | 'sip';
  play(playId: number, prompts: SoftphonePrompt[], opts: { bargeIn: boolean; language: string }): void;
  stopPlay(playId: number): void;
  listen(info: SoftphoneListenInfo): void;
  transfer(target: string): Promise<'completed' | 'refused'>;
  hangup(outcome: string): void;
}

/** Mirrors CallInput. */
export interface SoftphoneCallInput {
  readonly callId: string;
  digit(key: string): void;
  promptEnded(playId: number): void;
  hangup(): void;
  readonly ended: Promise<{ outcome: string; language: string }>;
}

/**
 * What the softphone needs of the line: start a call on a channel.
 *
 * @example
 *   const line: LineLike = { startCall: ({ channel, from, to }) => sessions.start({ channel, from, to }) };
 */
export interface LineLike {
  startCall(args: { channel: SoftphoneCallChannel; from: string; to: string }): SoftphoneCallInput | Promise<SoftphoneCallInput>;
}
