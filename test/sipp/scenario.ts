/**
 * SIPp scenarios for whole calls. The call skeleton (INVITE with an SDP
 * offer, ACK, keys, the line's BYE) is the same for every service; only the
 * keys and how they travel change, so the XML is built here and written next
 * to the run. `npm run sipp:scenarios` writes the five services' scenarios to
 * test/sipp/generated/ for use by hand.
 */
export type DtmfMode = 'info' | 'rfc4733';

const PCAP_DIR = '/usr/share/sip-tester';
const PCAP: Record<string, string> = { '*': 'star', '#': 'pound' };

function keyStep(key: string, mode: DtmfMode, pauseMs: number): string {
  if (mode === 'rfc4733') {
    return `  <nop><action><exec play_pcap_audio="${PCAP_DIR}/dtmf_2833_${PCAP[key] ?? key}.pcap"/></action></nop>
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

/** A whole call: answer, keys after `startMs`, then wait for the line's BYE (or hang up first with `hangupAfterMs`). */
export function callScenario(opts: { keys: string; mode: DtmfMode; startMs?: number; pauseMs?: number; hangupAfterMs?: number; byeTimeoutMs?: number }): string {
  const keys = opts.keys.replace(/\s/g, '').split('').filter(Boolean);
  const steps = keys.map((k) => keyStep(k, opts.mode, opts.pauseMs ?? 250)).join('\n');
  const end =
    opts.hangupAfterMs !== undefined
      ? `  <pause milliseconds="${opts.hangupAfterMs}"/>
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
  <recv response="200"/>`
      : `  <recv request="BYE" timeout="${opts.byeTimeoutMs ?? 90_000}"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>`;
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
  <send>
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
