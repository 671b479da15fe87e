/**
 * The channel context: transports a call can arrive on. Today the softphone
 * (WebSocket) line side and its client; SIP/RTP joins here.
 */
export { registerSoftphone, type SoftphoneOptions } from './softphone/ws-channel.ts';
export type { LineLike, SoftphoneCallChannel, SoftphoneCallInput, SoftphoneListenInfo, SoftphonePrompt } from './softphone/line-like.ts';
export { SoftphoneChannel } from './softphone/softphone-channel.ts';
export { SoftphoneCall, type DialOptions } from './softphone/client.ts';
export { runScriptedCall, parseKeys, type ScriptedCallOptions } from './softphone/scripted-call.ts';
export type { CallEvent, CallResult } from './softphone/call-result.ts';
export { softphoneUrl } from './softphone/softphone-url.ts';
export { ClientMessage, type ServerMessage, type SoftphoneErrorCode } from './softphone/protocol.ts';
export { FakeLine, FakeCall, type FakeLineOptions } from './softphone/testing/fake-line.ts';
export { startSipServer, type SipServer, type SipServerOptions } from './sip/sip-server.ts';
export type { DialRequest, DialResult, DialFailure } from './sip/ua/outbound-calls.ts';
export { createRtpMedia, type RtpMedia, type RtpMediaOptions } from './rtp/media-factory.ts';
export { createThreadedMedia, type ThreadedMedia, type ThreadedMediaOptions } from './rtp/threads/threaded-media.ts';
export { MediaClock, type MediaClockStats } from './rtp/media-clock.ts';
