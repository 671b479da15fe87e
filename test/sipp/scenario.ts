/**
 * SIPp scenarios for whole calls. The call skeleton (INVITE with an SDP
 * offer, ACK, keys, the line's BYE) is the same for every service; only the
 * keys, how they travel and how the call ends change, so the XML is built
 * here and written next to the run. RFC 4733 keys are played from captures
 * named by `pressFile` (see dtmf-captures.ts), which the run writes beside
 * the scenario. Calls that are not this skeleton (CANCEL before the answer)
 * are hand-written XML in this folder.
 */
import { pressFile, splitKeys } from './dtmf-captures.ts';

export type DtmfMode = 'info' | 'rfc4733';

function keyStep(key: string, index: number, mode: DtmfMode, pauseMs: number): string {
  if (mode === 'rfc4733') {
    return `  <nop><action><exec play_pcap_audio="${pressFile(index, key)}"/></action></nop>
  <pause milliseconds="${pauseMs}"/>`;
  }
  return `  <send retrans="500">
    <![CDATA[
      INFO sip:clave@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[$caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: [cseq] INFO
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal=${key}
      Duration=160
    ]]>
  </send>
  <recv response="200"/>
  <pause milliseconds="${pauseMs}"/>`;
}

/** How the caller side ends a call. */
export type CallEnd =
  /** Wait for the line's BYE and answer it 200 (the usual end). */
  | { kind: 'line-bye'; timeoutMs?: number }
  /** The caller hangs up: BYE this long after the last key (or the ACK), and expect 200. */
  | { kind: 'caller-bye'; afterMs: number }
  /** The line transfers: answer its REFER with `status`, then take its BYE. */
  | { kind: 'refer'; status: number; reason: string; timeoutMs?: number };

export interface CallScenarioOptions {
  keys: string;
  mode: DtmfMode;
  /** Silence between the ACK and the first key (default 800 ms). */
  startMs?: number;
  /** Between keys (default 250 ms: the flows type-ahead). */
  pauseMs?: number;
  /** Hold the ACK back this long after the 200 (the line must retransmit its 2xx meanwhile). */
  ackDelayMs?: number;
  end?: CallEnd;
}

/** Our answer to the line's last request, echoing its dialog headers (SIPp's [last_*] keywords). */
function answerLast(status: number, reason: string): string {
  return `  <send>
    <![CDATA[
      SIP/2.0 ${status} ${reason}
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>`;
}

const BYE_ANSWER = answerLast(200, 'OK');

function ending(end: CallEnd): string {
  switch (end.kind) {
    case 'caller-bye':
      return `  <pause milliseconds="${end.afterMs}"/>
  <send retrans="500">
    <![CDATA[
      BYE sip:clave@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[$caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: [cseq] BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>`;
    case 'refer':
      // RFC 3515 §2.4.2: the REFER's answer is final; the line then ends its leg with BYE either way.
      return `  <recv request="REFER" timeout="${end.timeoutMs ?? 60_000}">
    <action>
      <ereg regexp="&lt;sips?:[^&gt;]+&gt;" search_in="hdr" header="Refer-To:" check_it="true" assign_to="referTo"/>
    </action>
  </recv>
  <Reference variables="referTo"/>
${answerLast(end.status, end.reason)}
  <recv request="BYE" timeout="${end.timeoutMs ?? 60_000}"/>
${BYE_ANSWER}`;
    case 'line-bye':
      return `  <recv request="BYE" timeout="${end.timeoutMs ?? 90_000}"/>
${BYE_ANSWER}`;
  }
}

/**
 * A whole call: INVITE with a G.711 + telephone-event offer, ACK (late with
 * `ackDelayMs`), the keys after `startMs`, then `end` (default: the line's
 * BYE).
 *
 * @example
 *   callScenario({ keys: '2 1 1 1 12345678 4821 2580', mode: 'info' });
 *   callScenario({ keys: '2 0', mode: 'rfc4733', end: { kind: 'refer', status: 403, reason: 'Forbidden' } });
 */
export function callScenario(opts: CallScenarioOptions): string {
  const steps = splitKeys(opts.keys)
    .map((k, i) => keyStep(k, i, opts.mode, opts.pauseMs ?? 250))
    .join('\n');
  const end = ending(opts.end ?? { kind: 'line-bye' });
  const ackDelay = opts.ackDelayMs !== undefined ? `  <pause milliseconds="${opts.ackDelayMs}"/>\n` : '';
  return `<?xml version="1.0" encoding="UTF-8" ?>
<scenario name="clave call (${opts.mode})">
  <Global variables="caller" />
  <send retrans="500">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[$caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: [cseq] INVITE
      Contact: <sip:[$caller]@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0 8 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15
      a=ptime:20
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true"/>
${ackDelay}  <send>
    <![CDATA[
      ACK sip:clave@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[$caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: [cseq] ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <pause milliseconds="${opts.startMs ?? 800}"/>
${steps}
${end}
</scenario>
`;
}
