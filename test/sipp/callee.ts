import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnSipp, type SippResult } from '../support/sipp.ts';
import { answerLast, dtmfRelay, sipRequest, type RequestLeg } from './scenario.ts';

export interface CalleeOptions {
  /** The UDP port SIPp answers on (the line's CLAVE_SIP_TRUNK points at it). */
  port: number;
  /** Keys the callee presses by SIP INFO, each after `pressAfterMs` (from the ACK, then from the previous key). */
  keys: string[];
  pressAfterMs: number;
  /** A final answer instead of picking up (486 Busy Here…): the scenario then ends after the ACK. */
  refuse?: { status: number; reason: string };
  /**
   * The trunk asks for credentials first: 401 with a Digest challenge (MD5,
   * qop=auth), then SIPp's verifyauth checks the INVITE's Authorization
   * against these. Wrong credentials get 403 and no call.
   */
  challenge?: { username: string; password: string };
  timeoutS: number;
}

const CONTACT_AND_SDP = `      Contact: <sip:callee@[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
`;

/** PCMU and telephone-event from SIPp's media port. */
const ANSWER_SDP = `      v=0
      o=callee 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15`;

/**
 * A phone the line calls: SIPp as a UAS that rings, answers with PCMU and
 * telephone-event, presses `keys` by SIP INFO inside the dialog (taking the
 * Request-URI and tags from the INVITE, RFC 3261 §12.2.1.1), then waits for
 * the line's BYE. Or it refuses the call with `refuse`.
 *
 * @example
 *   const callee = startSippCallee({ port, keys: ['1'], pressAfterMs: 3000, timeoutS: 90 });
 *   expect((await callee.done).code).toBe(0);
 */
export function calleeScenario(opts: Omit<CalleeOptions, 'port' | 'timeoutS'>): string {
  const tag = ';tag=[pid]SIPpTag01[call_number]';
  const invite = `  <recv request="INVITE" crlf="true">
    <action>
      <ereg regexp="[^ ].*" search_in="hdr" header="From:" check_it="true" assign_to="inviteFrom"/>
      <ereg regexp="&lt;[^&gt;]*&gt;" search_in="hdr" header="To:" check_it="true" assign_to="inviteTo"/>
      <ereg regexp="&lt;(sip:[^&gt;;]+)" search_in="hdr" header="Contact:" check_it="true" assign_to="contact,contactUri"/>
    </action>
  </recv>
  <Reference variables="contact"/>`;
  // The first INVITE is challenged; the one the scenario goes on with carries the credentials.
  const challenged = opts.challenge
    ? `  <recv request="INVITE" crlf="true"/>
${answerLast(401, 'Unauthorized', { toTag: ';tag=[pid]SIPpAuth[call_number]', headers: '      WWW-Authenticate: Digest realm="trunk.test", nonce="[pid]n[call_number]x", qop="auth", opaque="op1"\n' })}
  <recv request="ACK"/>
${invite.replace('    </action>', `      <verifyauth assign_to="authvalid" username="${opts.challenge.username}" password="${opts.challenge.password}"/>
      <ereg regexp="nonce=&quot;[0-9]+n[0-9]+x&quot;" search_in="hdr" header="Authorization:" check_it="true" assign_to="nonceSeen"/>
    </action>`)}
  <Reference variables="nonceSeen"/>
  <nop hide="true" test="authvalid" next="authorized"/>
  <Reference variables="contactUri,inviteFrom,inviteTo"/>
${answerLast(403, 'Forbidden', { toTag: tag })}
  <recv request="ACK" next="end"/>
  <label id="authorized"/>`
    : invite;
  if (opts.refuse) {
    return `<?xml version="1.0" encoding="UTF-8" ?>
<scenario name="clave call-back callee (refuses)">
${invite}
  <Reference variables="contactUri,inviteFrom,inviteTo"/>
${answerLast(opts.refuse.status, opts.refuse.reason, { toTag: tag })}
  <recv request="ACK"/>
</scenario>`;
  }
  // RFC 3261 §12.2.1.1: our requests go to the INVITE's Contact, with its From and To swapped.
  const leg: RequestLeg = { uri: '[$contactUri]', from: `From: [$inviteTo]${tag}`, to: 'To: [$inviteFrom]' };
  const presses = opts.keys
    .map(
      (key, i) => `  <pause milliseconds="${opts.pressAfterMs}"/>
${sipRequest('INFO', leg, i + 1, dtmfRelay(key))}
  <recv response="200"/>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8" ?>
<scenario name="clave call-back callee">
${challenged}
${answerLast(180, 'Ringing', { toTag: tag })}
  <pause milliseconds="300"/>
${answerLast(200, 'OK', { toTag: tag, untilAck: true, headers: CONTACT_AND_SDP, body: ANSWER_SDP })}
  <recv request="ACK" crlf="true"/>
${presses}
  <recv request="BYE" timeout="90000"/>
${answerLast(200, 'OK')}
${opts.challenge ? '  <label id="end"/>' : ''}
</scenario>`;
}

/** Starts the callee; `done` resolves when SIPp ends (after one call), with every message it saw. */
export function startSippCallee(opts: CalleeOptions): { done: Promise<SippResult> } {
  const done = (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clave-callee-'));
    const file = join(dir, 'callee.xml');
    await writeFile(file, calleeScenario(opts));
    const args = ['-sf', file, '-i', '127.0.0.1', '-p', String(opts.port), '-t', 'u1', '-m', '1', '-mi', '127.0.0.1', '-mp', String(await freePort())];
    return spawnSipp({ args, dir, timeoutS: opts.timeoutS, traceMessages: true });
  })();
  return { done };
}
