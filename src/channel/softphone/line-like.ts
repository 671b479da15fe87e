import type { CallChannel, CallInput, ListenInfo, RenderedPrompt } from '../../call/index.ts';

/** The call context's channel contract, under the names the softphone exports. */
export type SoftphoneCallChannel = CallChannel;
export type SoftphoneCallInput = CallInput;
export type SoftphonePrompt = RenderedPrompt;

/**
 * ListenInfo plus a flag the session may set on a secret collect (a PIN), so
 * the caller's transcript masks the keys. Not in ListenInfo yet: forwarded
 * when present.
 */
export type SoftphoneListenInfo = ListenInfo & { secret?: boolean };

/**
 * What the softphone needs of the line: start a call on a channel.
 *
 * @example
 *   const line: LineLike = { startCall: ({ channel, from, to }) => sessions.start({ channel, from, to }) };
 */
export interface LineLike {
  startCall(args: { channel: CallChannel; from: string; to: string }): CallInput | Promise<CallInput>;
}
