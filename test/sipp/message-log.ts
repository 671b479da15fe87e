/**
 * SIPp's message log (-trace_msg) read back as calls: what each call sent
 * and received, with SIPp's own timestamps, so a test can say from the
 * caller's side how every call of a run ended.
 */

/** One call as SIPp's message log shows it; times in ms since the epoch. */
export interface LoggedCall {
  callId: string;
  /** The From user of its INVITE. */
  from: string;
  /** The INVITE's final answer (200, 503…), and when it came. */
  finalStatus: number | null;
  finalAt: number | null;
  /** Retry-After of a non-2xx final answer. */
  retryAfter: string | null;
  /** The line's REFER (the transfer), and the line's BYE, when received. */
  referAt: number | null;
  byeAt: number | null;
  /** SIPp answered the line's BYE with 200. */
  byeAnswered: boolean;
}

const ENTRY = /^-{20,} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\n(\S+) message (sent|received)[^\n]*\n\n/m;

/**
 * Parses a -trace_msg log into calls, in the order their first message
 * appears.
 *
 * @example
 *   const calls = loggedCalls(result.messages);
 *   calls.filter((c) => c.finalStatus === 503).length;
 */
export function loggedCalls(log: string): LoggedCall[] {
  const calls = new Map<string, LoggedCall>();
  const parts = log.split(/^(?=-{20,} \d{4}-)/m);
  for (const part of parts) {
    const head = ENTRY.exec(part);
    if (!head) continue;
    // SIPp writes local time without a zone: the same zone as this process, so Date reads it back alike.
    const at = new Date(head[1]!.replace(' ', 'T')).getTime();
    const sent = head[3] === 'sent';
    const text = part.slice(head[0].length);
    const lines = text.split(/\r?\n/);
    const first = lines[0] ?? '';
    const header = (name: string) => {
      const line = lines.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
      return line ? line.slice(line.indexOf(':') + 1).trim() : null;
    };
    const callId = header('Call-ID');
    if (!callId) continue;
    let call = calls.get(callId);
    if (!call) {
      call = { callId, from: '', finalStatus: null, finalAt: null, retryAfter: null, referAt: null, byeAt: null, byeAnswered: false };
      calls.set(callId, call);
    }
    const cseqMethod = header('CSeq')?.split(/\s+/)[1];
    const status = /^SIP\/2\.0 (\d{3})/.exec(first);
    if (sent && first.startsWith('INVITE ')) call.from = /<sips?:([^@>]+)@/.exec(header('From') ?? '')?.[1] ?? '';
    else if (!sent && status && cseqMethod === 'INVITE' && Number(status[1]) >= 200 && call.finalStatus === null) {
      call.finalStatus = Number(status[1]);
      call.finalAt = at;
      call.retryAfter = header('Retry-After');
    } else if (!sent && first.startsWith('REFER ')) call.referAt ??= at;
    else if (!sent && first.startsWith('BYE ')) call.byeAt ??= at;
    else if (sent && status?.[1] === '200' && cseqMethod === 'BYE') call.byeAnswered = true;
  }
  return [...calls.values()];
}
