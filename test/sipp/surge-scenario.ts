/**
 * The SIPp caller of a surge (issue 6): one scenario that takes whatever a
 * full line gives it, so SIPp itself never aborts a call and every ending
 * can be counted from the outside:
 *  - 503 (the line refusing): the ACK on the INVITE's branch (RFC 3261
 *    §17.1.1.3), the call ends at once;
 *  - 200 and then the line's BYE before the caller is done (the spoken
 *    refusal of CLAVE_AT_CAPACITY=announce, or a call dropped after
 *    admission): 200 to the BYE;
 *  - 200 and the whole reference call: RFC 4733 key presses, each after a
 *    wait during which the line may hang up, then 0 (an agent) by SIP INFO,
 *    the line's REFER (202) and its BYE (200).
 * The waits are receives of a BYE with a timeout that jumps on (SIPp's
 * `ontimeout`), not pauses: a BYE during a pause would be "unexpected" and
 * SIPp would abort the call instead of answering it.
 *
 * Each call's caller is the `caller` variable (`-set caller +34610`)
 * followed by SIPp's call number (+346101, +346102…), so a capture's or a
 * message log's INVITE and the line's call record can be matched.
 */
import { pressFile, splitKeys } from './dtmf-captures.ts';

export interface SurgeScenarioOptions {
  /** RFC 4733 keys, each pressed `waitMs` after the previous step (the ACK for the first). */
  presses: { key: string; waitMs: number }[];
  /** Then 0 by SIP INFO, this long after the last press: the line transfers (REFER) and hangs up. */
  agentAfterMs: number;
  /** Caller audio (Debian's g711a.pcap, about 7 s) from the ACK on, so the line receives media too. */
  audio?: boolean;
}

const AUDIO = '/usr/share/sip-tester/g711a.pcap';

/**
 * The scenario's RFC 4733 keys in order: `pressCaptures(surgeScenarioKeys(opts))`
 * gives the files it plays, to write into SIPp's folder.
 *
 * @example
 *   surgeScenarioKeys({ presses: [{ key: '2', waitMs: 3000 }, { key: '1', waitMs: 2500 }] }); // '21'
 */
export function surgeScenarioKeys(opts: Pick<SurgeScenarioOptions, 'presses'>): string {
  return opts.presses.map((p) => p.key).join('');
}

function inDialog(method: string, cseq: number, extra = '', body = ''): string {
  return `  <send retrans="500">
    <![CDATA[
      ${method} sip:clave@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[$from]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: ${cseq} ${method}
      Max-Forwards: 70
${extra}      Content-Length: ${body ? '[len]' : '0'}

${body}
    ]]>
  </send>`;
}

/** Our answer to the line's last request (its BYE or REFER). */
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

/**
 * The scenario XML. Run it with `-s <dialed number>`; RFC 4733 presses
 * need the files of `pressCaptures(surgeScenarioKeys(opts))` in SIPp's folder.
 *
 * @example
 *   const xml = surgeScenario({ presses: [{ key: '2', waitMs: 3000 }, { key: '1', waitMs: 2500 }], agentAfterMs: 2500 });
 */
export function surgeScenario(opts: SurgeScenarioOptions): string {
  const keys = splitKeys(surgeScenarioKeys(opts));
  const presses = opts.presses
    .map((p, i) => `  <recv request="BYE" timeout="${p.waitMs}" ontimeout="press${i}" next="line-bye"/>
  <label id="press${i}"/>
  <nop><action><exec play_pcap_audio="${pressFile(i, keys[i]!)}"/></action></nop>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8" ?>
<scenario name="clave surge call">
  <Global variables="caller" />
  <nop>
    <action>
      <assignstr assign_to="from" value="[$caller][call_number]"/>
    </action>
  </nop>
  <send retrans="500" start_rtd="setup">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[$from]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:[$from]@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=surge 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8 0 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15
      a=ptime:20
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="503" optional="true" next="refused"/>
  <recv response="200" rtd="setup"/>
  <send>
    <![CDATA[
      ACK sip:clave@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[$from]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
${opts.audio ? `  <nop><action><exec play_pcap_audio="${AUDIO}"/></action></nop>\n` : ''}${presses}
  <recv request="BYE" timeout="${opts.agentAfterMs}" ontimeout="agent" next="line-bye"/>
  <label id="agent"/>
${inDialog('INFO', 2, '      Content-Type: application/dtmf-relay\n', '      Signal=0\n      Duration=160')}
  <recv request="BYE" optional="true" next="line-bye"/>
  <recv response="200"/>
  <recv request="BYE" optional="true" next="line-bye"/>
  <recv request="REFER" timeout="30000"/>
${answerLast(202, 'Accepted')}
  <recv request="BYE" timeout="30000"/>
${answerLast(200, 'OK')}
  <nop next="end"/>

  <label id="line-bye"/>
${answerLast(200, 'OK')}
  <nop next="end"/>

  <label id="refused"/>
  <!-- RFC 3261 §17.1.1.3: the ACK for a non-2xx answer has the INVITE's branch, Request-URI and CSeq number, and the answer's To. -->
  <send>
    <![CDATA[
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      [last_Via:]
      From: <sip:[$from]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <label id="end"/>
</scenario>
`;
}
