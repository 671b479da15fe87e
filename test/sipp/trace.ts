/** One message in SIPp's -trace_msg log, as the caller side saw it. */
export interface TracedMessage {
  /** Milliseconds (local clock); only differences mean something. */
  at: number;
  direction: 'sent' | 'received';
  transport: 'UDP' | 'TCP';
  /** "INVITE sip:…" or "SIP/2.0 200 OK". */
  startLine: string;
  /** Response status, or 0 for a request. */
  status: number;
  /** "INVITE", "BYE"… from the start line of a request, from CSeq for a response. */
  method: string;
  text: string;
}

// ----------------------------------------------- 2026-11-22 18:56:17.539654
// UDP message received [606] bytes :
const BLOCK = /^-{20,} (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)\.(\d{6})\n(UDP|TCP) message (sent|received) [^\n]*\n\n/gm;

/**
 * Splits SIPp's message log into messages.
 *
 * @example
 *   const okForInvite = parseSippTrace(r.messages).filter((m) => m.status === 200 && m.method === 'INVITE');
 */
export function parseSippTrace(log: string): TracedMessage[] {
  const heads = [...log.matchAll(BLOCK)];
  return heads.map((h, i) => {
    const start = h.index + h[0].length;
    const end = heads[i + 1]?.index ?? log.length;
    const text = log.slice(start, end).replace(/\r\n/g, '\n').trim();
    const startLine = text.split('\n', 1)[0] ?? '';
    const status = /^SIP\/2\.0 (\d{3}) /.exec(startLine)?.[1];
    const cseqMethod = /^CSeq:\s*\d+\s+(\S+)/im.exec(text)?.[1] ?? '';
    return {
      at: Date.parse(`${h[1]}T${h[2]}.${h[3]?.slice(0, 3)}`) + Number(h[3]?.slice(3)) / 1000,
      direction: h[5] === 'sent' ? 'sent' : 'received',
      transport: h[4] === 'TCP' ? 'TCP' : 'UDP',
      startLine,
      status: status ? Number(status) : 0,
      method: status ? cseqMethod : (startLine.split(' ', 1)[0] ?? ''),
      text,
    };
  });
}

/** The tag parameter of a message's To header. */
export function toTag(m: TracedMessage): string | undefined {
  return /^To:[^\n]*;tag=([^;>\s]+)/im.exec(m.text)?.[1];
}
