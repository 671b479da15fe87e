import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, SIPP, type SippResult } from '../support/sipp.ts';

export interface CalleeOptions {
  /** The UDP port SIPp answers on (the line's CLAVE_SIP_TRUNK points at it). */
  port: number;
  /** Keys the callee presses by SIP INFO, each after `pressAfterMs` (from the ACK, then from the previous key). */
  keys: string[];
  pressAfterMs: number;
  /** A final answer instead of picking up (486 Busy Here…): the scenario then ends after the ACK. */
  refuse?: { status: number; reason: string };
  timeoutS: number;
}

/** Our answer to the line's last request, echoing its dialog headers. */
const answerLast = (status: number, reason: string, toTag = '', extra = '') => `  <send>
    <![CDATA[
      SIP/2.0 ${status} ${reason}
      [last_Via:]
      [last_From:]
      [last_To:]${toTag}
      [last_Call-ID:]
      [last_CSeq:]
${extra}      Content-Length: 0

    ]]>
  </send>`;

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
  if (opts.refuse) {
    return `<?xml version="1.0" encoding="UTF-8" ?>
<scenario name="clave call-back callee (refuses)">
${invite}
  <Reference variables="contactUri,inviteFrom,inviteTo"/>
${answerLast(opts.refuse.status, opts.refuse.reason, tag)}
  <recv request="ACK"/>
</scenario>`;
  }
  const presses = opts.keys
    .map(
      (key, i) => `  <pause milliseconds="${opts.pressAfterMs}"/>
  <send retrans="500">
    <![CDATA[
      INFO [$contactUri] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: [$inviteTo]${tag}
      To: [$inviteFrom]
      Call-ID: [call_id]
      CSeq: ${i + 1} INFO
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal=${key}
      Duration=160
    ]]>
  </send>
  <recv response="200"/>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8" ?>
<scenario name="clave call-back callee">
${invite}
${answerLast(180, 'Ringing', tag)}
  <pause milliseconds="300"/>
  <send retrans="500">
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]${tag}
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:callee@[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=callee 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15
    ]]>
  </send>
  <recv request="ACK" crlf="true"/>
${presses}
  <recv request="BYE" timeout="90000"/>
${answerLast(200, 'OK')}
</scenario>`;
}

/** Starts the callee; `done` resolves when SIPp ends (after one call), with every message it saw. */
export function startSippCallee(opts: CalleeOptions): { done: Promise<SippResult> } {
  const done = (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clave-callee-'));
    const file = join(dir, 'callee.xml');
    await writeFile(file, calleeScenario(opts));
    const args = [
      '-sf', file, '-i', '127.0.0.1', '-p', String(opts.port), '-t', 'u1', '-m', '1',
      '-mi', '127.0.0.1', '-mp', String(await freePort()),
      '-timeout', `${opts.timeoutS}s`, '-timeout_error', '-trace_err', '-error_file', join(dir, 'errors.log'),
      '-trace_msg', '-message_file', join(dir, 'messages.log'), '-nostdin',
    ];
    const child = spawn(SIPP, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const guard = setTimeout(() => child.kill('SIGKILL'), (opts.timeoutS + 15) * 1000);
    let stdout = '';
    const keep = (d: Buffer) => (stdout = (stdout + d.toString()).slice(-8000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    clearTimeout(guard);
    const errors = await readFile(join(dir, 'errors.log'), 'utf8').catch(() => '');
    const messages = await readFile(join(dir, 'messages.log'), 'utf8').catch(() => '');
    await rm(dir, { recursive: true, force: true });
    return { code, stdout, errors, messages };
  })();
  return { done };
}
