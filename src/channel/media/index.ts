/**
 * Media for SIP calls, as pure functions and state machines over Buffers and
 * strings: RTP/RTCP (RFC 3550), G.711 (PCMU/PCMA), DTMF (RFC 4733 events,
 * SIP INFO bodies, in-band tones) and the SDP offer/answer (RFC 4566/3264).
 * No I/O, no clock, no logger: sockets, timers and the prompt player sit
 * above this folder and import it through this file.
 */
export {
  parseRtp,
  serializeRtp,
  writeRtpHeader,
  rtpHeaderLength,
  isRtcpPacket,
  RTP_VERSION,
  RTP_FIXED_HEADER_LENGTH,
  type RtpPacket,
  type RtpPacketInput,
  type RtpExtension,
} from './rtp/rtp.ts';
export { seqDiff, seqNewer, seqAdd, tsDiff, tsNewer, tsAdd } from './rtp/sequence.ts';
export {
  parseRtcp,
  RTCP_SR,
  RTCP_RR,
  RTCP_SDES,
  RTCP_BYE,
  SDES_CNAME,
  type RtcpPacket,
  type SenderReport,
  type ReceiverReport,
  type SourceDescription,
  type SdesItem,
  type Goodbye,
  type OtherRtcp,
  type ReportBlock,
} from './rtp/rtcp.ts';
export { serializeRtcp, serializeRtcpPacket } from './rtp/rtcp-serialize.ts';
export { ntpFromUnixMs, ntpMiddle32, delaySinceLastSr, NTP_UNIX_OFFSET_SECONDS, type NtpTime } from './rtp/ntp.ts';
export { RtpReceiveStats } from './rtp/receive-stats.ts';

export { linearToUlaw, ulawToLinear, encodeUlaw, encodeUlawInto, decodeUlaw, decodeUlawInto, ULAW_SILENCE } from './g711/mulaw.ts';
export { linearToAlaw, alawToLinear, encodeAlaw, encodeAlawInto, decodeAlaw, decodeAlawInto, ALAW_SILENCE } from './g711/alaw.ts';
export { g711Codec, type G711Codec, type G711Name } from './g711/g711-codec.ts';

export { DTMF_KEYS, DTMF_ROW_HZ, DTMF_COL_HZ, KEYPAD, keyForEvent, eventForKey, dtmfFrequencies, type DtmfKey } from './dtmf/keys.ts';
export {
  parseTelephoneEvent,
  parseTelephoneEvents,
  serializeTelephoneEvent,
  writeTelephoneEvent,
  TELEPHONE_EVENT_LENGTH,
  type TelephoneEvent,
} from './dtmf/rfc4733.ts';
export { TelephoneEventDetector } from './dtmf/telephone-event-detector.ts';
export { parseSipInfoDtmf, SIP_INFO_DTMF_TYPES, type SipInfoDtmf } from './dtmf/sip-info.ts';
export { InbandDtmfDetector, classifyFrame, INBAND_SAMPLE_RATE, INBAND_FRAME } from './dtmf/goertzel.ts';
export { concatSamples, dtmfTone, type DtmfToneOptions } from './dtmf/dtmf-tone.ts';

export {
  parseSdp,
  serializeSdp,
  type SessionDescription,
  type SdpOrigin,
  type SdpConnection,
  type SdpBandwidth,
  type SdpTiming,
  type SdpAttribute,
  type SdpMedia,
} from './sdp/sdp.ts';
export { rtpMap, fmtp, mediaDirection, mediaConnection, millisecondsAttribute, attributeValue, type RtpMap, type SdpDirection } from './sdp/sdp-media.ts';
export { answerAudioOffer, type AnswerOptions, type AudioAnswer, type AudioRejection } from './sdp/offer-answer.ts';
export { createAudioOffer, OFFERED_TELEPHONE_EVENT_PT, type OfferOptions } from './sdp/audio-offer.ts';
export { readAudioAnswer, type AnsweredAudio, type RefusedAudio } from './sdp/audio-answer.ts';
export type { LocalDescriptionOptions } from './sdp/audio-profile.ts';
