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
import { answerLast, callerLeg, dtmfRelay, invite, sipRequest } from './scenario.ts';

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

const CALLER = callerLeg('[$from]');

/** RFC 3261 §17.1.1.3: the ACK for a non-2xx answer has the INVITE's branch, Request-URI and CSeq number, and the answer's To. */
const ACK_REFUSAL = sipRequest('ACK', { uri: 'sip:[service]@[remote_ip]:[remote_port]', via: '[last_Via:]', from: CALLER.from, to: '[last_To:]' }, 1);

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
${invite({ from: '[$from]', cseq: 1, originUser: 'surge', laws: [8, 0], startRtd: 'setup' })}
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="503" optional="true" next="refused"/>
  <recv response="200" rtd="setup"/>
${sipRequest('ACK', CALLER, 1)}
${opts.audio ? `  <nop><action><exec play_pcap_audio="${AUDIO}"/></action></nop>\n` : ''}${presses}
  <recv request="BYE" timeout="${opts.agentAfterMs}" ontimeout="agent" next="line-bye"/>
  <label id="agent"/>
${sipRequest('INFO', CALLER, 2, dtmfRelay('0'))}
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
${ACK_REFUSAL}
  <label id="end"/>
</scenario>
`;
}
