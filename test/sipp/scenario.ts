/**
 * SIPp scenarios for whole calls. The call skeleton (INVITE with an SDP
 * offer, ACK, keys, the line's BYE) is the same for every service; only the
 * keys, how they travel and how the call ends change, so the XML is built
 * here and written next to the run. RFC 4733 keys are played from captures
 * named by `pressFile` (see dtmf-captures.ts), which the run writes beside
 * the scenario. Calls that are not this skeleton (CANCEL before the answer)
 * are hand-written XML in this folder. The blocks (the INVITE, requests in
 * the call, answers to the line's last request) are exported for the other
 * scenarios built here (surge-scenario.ts, callee.ts).
 */
import { pressFile, splitKeys } from './dtmf-captures.ts';

export type DtmfMode = 'info' | 'rfc4733';

/** Where a request of a call goes and whom it is from and to (in a dialog: RFC 3261 §12.2.1.1). */
export interface RequestLeg {
  /** The Request-URI. */
  uri: string;
  /** Whole header lines (SIPp's [last_To:] keywords are whole lines too); Via defaults to ours with a new branch. */
  via?: string;
  from: string;
  to: string;
}

/**
 * The caller's side of a call to the line: the From user is a SIPp variable
 * (`[$caller]`), the To carries the line's tag once it answered
 * ([peer_tag_param]).
 *
 * @example
 *   sipRequest('BYE', callerLeg('[$caller]'), '[cseq]');
 */
export function callerLeg(user: string): RequestLeg {
  return {
    uri: 'sip:clave@[remote_ip]:[remote_port]',
    from: `From: <sip:${user}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]`,
    to: 'To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]',
  };
}

/** A request's own headers (each line indented and ending in a newline) and body. */
export interface RequestContent {
  headers?: string;
  body?: string;
}

/**
 * A request SIPp sends inside a call. Retransmitted every 500 ms until
 * answered over UDP, except an ACK, which has no transaction to retransmit
 * it (RFC 3261 §17.1.1.3, §13.2.2.4).
 *
 * @example
 *   sipRequest('INFO', callerLeg('[$caller]'), '[cseq]', dtmfRelay('5'));
 */
export function sipRequest(method: string, leg: RequestLeg, cseq: string | number, content: RequestContent = {}): string {
  return `  <send${method === 'ACK' ? '' : ' retrans="500"'}>
    <![CDATA[
      ${method} ${leg.uri} SIP/2.0
      ${leg.via ?? 'Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]'}
      ${leg.from}
      ${leg.to}
      Call-ID: [call_id]
      CSeq: ${cseq} ${method}
      Max-Forwards: 70
${content.headers ?? ''}      Content-Length: ${contentLength(content.body)}
    ]]>
  </send>`;
}

/**
 * A key by SIP INFO, as application/dtmf-relay (the SIP INFO DTMF most
 * carriers send).
 *
 * @example
 *   sipRequest('INFO', leg, 2, dtmfRelay('0'));
 */
export function dtmfRelay(key: string): RequestContent {
  return { headers: '      Content-Type: application/dtmf-relay\n', body: `      Signal=${key}\n      Duration=160` };
}

export interface InviteOptions {
  /** The From user, a SIPp variable such as `[$caller]`. */
  from: string;
  /** The CSeq number (`[cseq]`: SIPp's own count). */
  cseq: string | number;
  /** The o= username of the offer. */
  originUser: string;
  /** The laws offered in order of preference (0 PCMU, 8 PCMA); telephone-event at 101 follows. */
  laws: readonly (0 | 8)[];
  /** The response-time counter the INVITE starts (SIPp's start_rtd). */
  startRtd?: string;
}

const LAW_NAMES = { 0: 'PCMU', 8: 'PCMA' } as const;

/**
 * The INVITE of a call to the line, with a G.711 + telephone-event offer
 * from SIPp's media port.
 *
 * @example
 *   invite({ from: '[$caller]', cseq: '[cseq]', originUser: 'user1', laws: [0, 8] });
 */
export function invite(opts: InviteOptions): string {
  const rtpmaps = opts.laws.map((pt) => `      a=rtpmap:${pt} ${LAW_NAMES[pt]}/8000\n`).join('');
  return `  <send retrans="500"${opts.startRtd ? ` start_rtd="${opts.startRtd}"` : ''}>
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:${opts.from}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: ${opts.cseq} INVITE
      Contact: <sip:${opts.from}@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=${opts.originUser} 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP ${opts.laws.join(' ')} 101
${rtpmaps}      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15
      a=ptime:20
    ]]>
  </send>`;
}

const CALLER = callerLeg('[$caller]');

function keyStep(key: string, index: number, mode: DtmfMode, pauseMs: number): string {
  if (mode === 'rfc4733') {
    return `  <nop><action><exec play_pcap_audio="${pressFile(index, key)}"/></action></nop>
  <pause milliseconds="${pauseMs}"/>`;
  }
  return `${sipRequest('INFO', CALLER, '[cseq]', dtmfRelay(key))}
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

export interface AnswerOptions extends RequestContent {
  /** Our tag, added to the To of a first answer to the line's INVITE. */
  toTag?: string;
  /** A 2xx to an INVITE: sent again until the ACK comes (RFC 3261 §13.3.1.4). */
  untilAck?: boolean;
}

/**
 * Our answer to the line's last request, echoing its dialog headers (SIPp's
 * [last_*] keywords).
 *
 * @example
 *   answerLast(202, 'Accepted'); // to the line's REFER
 *   answerLast(180, 'Ringing', { toTag: ';tag=[pid]SIPpTag01[call_number]' });
 */
export function answerLast(status: number, reason: string, opts: AnswerOptions = {}): string {
  return `  <send${opts.untilAck ? ' retrans="500"' : ''}>
    <![CDATA[
      SIP/2.0 ${status} ${reason}
      [last_Via:]
      [last_From:]
      [last_To:]${opts.toTag ?? ''}
      [last_Call-ID:]
      [last_CSeq:]
${opts.headers ?? ''}      Content-Length: ${contentLength(opts.body)}
    ]]>
  </send>`;
}

/** The Content-Length header's value, then the body (SIPp computes [len]). */
function contentLength(body = ''): string {
  return body ? `[len]\n\n${body}` : '0\n';
}

const BYE_ANSWER = answerLast(200, 'OK');

function ending(end: CallEnd): string {
  switch (end.kind) {
    case 'caller-bye':
      return `  <pause milliseconds="${end.afterMs}"/>
${sipRequest('BYE', CALLER, '[cseq]')}
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
${invite({ from: '[$caller]', cseq: '[cseq]', originUser: 'user1', laws: [0, 8] })}
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true"/>
${ackDelay}${sipRequest('ACK', CALLER, '[cseq]')}
  <pause milliseconds="${opts.startMs ?? 800}"/>
${steps}
${end}
</scenario>
`;
}
