// Messages shared by this folder's tests (never imported by production code).
import { parseMessage } from '../grammar/index.ts';
import type { SipMessage, SipRequest, SipResponse } from '../grammar/message.ts';
import type { Peer } from './transport.ts';

export const UDP_PEER: Peer = { protocol: 'udp', address: '192.0.2.10', port: 5060 };
export const TCP_PEER: Peer = { protocol: 'tcp', address: '192.0.2.10', port: 50123, connectionId: 'c1' };

/** Parses a literal message (lines joined with CRLF), failing loudly. */
export function sip(lines: string[], body = ''): SipMessage {
  const text = lines.join('\r\n') + `\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` + body;
  const r = parseMessage(Buffer.from(text, 'utf8'));
  if (!r.ok) throw new Error(`test message does not parse: ${r.error.code} ${r.error.message}`);
  return r.message;
}

export interface RequestOptions {
  branch?: string;
  transport?: 'UDP' | 'TCP';
  seq?: number;
  toTag?: string;
  callId?: string;
}

/** A request from the test caller at 192.0.2.10. */
export function request(method: string, o: RequestOptions = {}): SipRequest {
  const m = sip([
    `${method} sip:900100200@clave.test SIP/2.0`,
    `Via: SIP/2.0/${o.transport ?? 'UDP'} 192.0.2.10:5060;branch=${o.branch ?? 'z9hG4bKtest1'}`,
    'Max-Forwards: 70',
    `From: <sip:600111222@caller.test>;tag=from1`,
    `To: <sip:900100200@clave.test>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    `Call-ID: ${o.callId ?? 'call-1@caller.test'}`,
    `CSeq: ${o.seq ?? 1} ${method}`,
  ]);
  if (m.kind !== 'request') throw new Error('not a request');
  return m;
}

/** A response as the far end sends it to a request of ours. */
export function response(status: number, branch: string, method: string, seq = 1): SipResponse {
  const m = sip([
    `SIP/2.0 ${status} Reason`,
    `Via: SIP/2.0/UDP 198.51.100.1:5060;branch=${branch}`,
    'From: <sip:clave@clave.test>;tag=us',
    'To: <sip:600111222@caller.test>;tag=them',
    'Call-ID: call-1@caller.test',
    `CSeq: ${seq} ${method}`,
  ]);
  if (m.kind !== 'response') throw new Error('not a response');
  return m;
}
