import type { CallChannel, CallInput, ListenInfo, RenderedPrompt } from '../../call/index.ts';

/** The call context's channel contract, under the names the softphone exports. */
export type SoftphoneCallChannel = CallChannel;
export type SoftphoneCallInput = CallInput;
export type SoftphonePrompt = RenderedPrompt;

/** What the line listens for; `secret` marks a PIN, so the caller's transcript masks the keys. */
export type SoftphoneListenInfo = ListenInfo;

/**
 * What the softphone needs of the line: start a call on a channel.
 *
 * @example
 *   const line: LineLike = { startCall: ({ channel, from, to }) => sessions.start({ channel, from, to }) };
 */
export interface LineLike {
  startCall(args: { channel: CallChannel; from: string; to: string }): CallInput | Promise<CallInput>;
}
