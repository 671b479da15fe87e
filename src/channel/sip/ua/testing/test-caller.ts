import { getHeader, parseMessage, parseVia, responseTo, serializeMessage } from '../../grammar/index.ts';
import type { SipMessage, SipRequest, SipResponse } from '../../grammar/message.ts';
import type { Peer } from '../../core/transport.ts';

/** An SDP offer as a softphone sends it (RFC 3665 style, PCMU + telephone-event). */
export const OFFER_SDP =
  'v=0\r\no=caller 2890844526 2890844526 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n' +
  'm=audio 49172 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n';

/** Parses a literal message (lines joined with CRLF, Content-Length added), failing loudly. */
export function sipMessage(lines: string[], body = ''): SipMessage {
  const text = lines.join('\r\n') + `\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` + body;
  const r = parseMessage(Buffer.from(text, 'utf8'));
  if (!r.ok) throw new Error(`test message does not parse: ${r.error.code} ${r.error.message}\n${text}`);
  return r.message;
}

function asRequest(m: SipMessage): SipRequest {
  if (m.kind !== 'request') throw new Error('not a request');
  return m;
}

export interface InviteOptions {
  body?: string;
  contentType?: string;
  /** Extra header lines ("Name: value"). */
  extra?: string[];
  branch?: string;
  /** The dialed number (Request-URI and To user). */
  dialed?: string;
  /** The Contact value; null leaves Contact out. */
  contact?: string | null;
}

let branches = 0;

/**
 * The far end of the UA tests: a caller at 192.0.2.10 that writes its
 * requests as literal text, as a softphone would put them on the wire, and
 * keeps its side of the dialog (Call-ID, tags, CSeq).
 *
 * @example
 *   const caller = new TestCaller();
 *   layer.receive({ message: caller.invite(), source: caller.peer });
 */
export class TestCaller {
  readonly peer: Peer;
  readonly callId: string;
  readonly fromTag: string;
  readonly user: string;
  /** The URI in From (a sip: URI of `user` unless given). */
  readonly fromUri: string;
  dialed = '900100200';
  seq = 1;
  /** The UA's tag, learned from its 2xx. */
  toTag: string | null = null;
  /** The Via transport token. */
  readonly transport: string;

  constructor(opts: { peer?: Peer; callId?: string; fromTag?: string; user?: string; fromUri?: string } = {}) {
    this.peer = opts.peer ?? { protocol: 'udp', address: '192.0.2.10', port: 5060 };
    this.transport = this.peer.protocol.toUpperCase();
    this.callId = opts.callId ?? 'a84b4c76e66710@192.0.2.10';
    this.fromTag = opts.fromTag ?? '1928301774';
    this.user = opts.user ?? '600111222';
    this.fromUri = opts.fromUri ?? `sip:${this.user}@caller.test`;
  }

  newBranch(): string {
    return `z9hG4bKcaller${++branches}`;
  }

  invite(o: InviteOptions = {}): SipRequest {
    const dialed = o.dialed ?? this.dialed;
    const body = o.body ?? OFFER_SDP;
    return asRequest(
      sipMessage(
        [
          `INVITE sip:${dialed}@198.51.100.1 SIP/2.0`,
          `Via: SIP/2.0/${this.transport} 192.0.2.10:5060;branch=${o.branch ?? this.newBranch()}`,
          'Max-Forwards: 70',
          `From: "Maria" <${this.fromUri}>;tag=${this.fromTag}`,
          `To: <sip:${dialed}@clave.test>`,
          `Call-ID: ${this.callId}`,
          `CSeq: ${this.seq} INVITE`,
          ...(o.contact === null ? [] : [`Contact: ${o.contact ?? '<sip:maria@192.0.2.10:5062;transport=udp>'}`]),
          ...(body ? [`Content-Type: ${o.contentType ?? 'application/sdp'}`] : []),
          ...(o.extra ?? []),
        ],
        body,
      ),
    );
  }

  /** The ACK for the UA's 2xx: a transaction of its own (new branch), the 2xx's To, the INVITE's CSeq number (§13.2.2.4). */
  ack(ok: SipResponse, seq = this.seq): SipRequest {
    const to = getHeader(ok, 'to') ?? '';
    this.toTag = /;tag=([^;]+)/.exec(to)?.[1] ?? null;
    return this.request('ACK', { seq, branch: this.newBranch() });
  }

  /** CANCEL of `invite` (§9.1): same Request-URI, top Via, Call-ID, From, To and CSeq number. */
  cancel(invite: SipRequest): SipRequest {
    const branch = parseVia(getHeader(invite, 'via') ?? '').params['branch'] ?? '';
    return asRequest(
      sipMessage([
        `CANCEL ${invite.rawUri} SIP/2.0`,
        `Via: SIP/2.0/${this.transport} 192.0.2.10:5060;branch=${branch}`,
        'Max-Forwards: 70',
        `From: "Maria" <${this.fromUri}>;tag=${this.fromTag}`,
        `To: ${getHeader(invite, 'to') ?? ''}`,
        `Call-ID: ${this.callId}`,
        `CSeq: ${/^\d+/.exec(getHeader(invite, 'cseq') ?? '')?.[0] ?? '1'} CANCEL`,
      ]),
    );
  }

  /** A request in the dialog: CSeq one higher unless `seq` says otherwise. */
  request(method: string, o: { seq?: number; branch?: string; extra?: string[]; body?: string; contentType?: string; toTag?: string } = {}): SipRequest {
    const seq = o.seq ?? ++this.seq;
    const toTag = o.toTag ?? this.toTag;
    return asRequest(
      sipMessage(
        [
          `${method} sip:clave@198.51.100.1:5060 SIP/2.0`,
          `Via: SIP/2.0/${this.transport} 192.0.2.10:5060;branch=${o.branch ?? this.newBranch()}`,
          'Max-Forwards: 70',
          `From: "Maria" <${this.fromUri}>;tag=${this.fromTag}`,
          `To: <sip:${this.dialed}@clave.test>${toTag ? `;tag=${toTag}` : ''}`,
          `Call-ID: ${this.callId}`,
          `CSeq: ${seq} ${method}`,
          ...(o.body ? [`Content-Type: ${o.contentType ?? 'application/sdp'}`] : []),
          ...(o.extra ?? []),
        ],
        o.body ?? '',
      ),
    );
  }

  /** The caller's answer to a request the UA sent (BYE, REFER). */
  answer(req: SipRequest, status: number, reason = 'Reason'): SipResponse {
    const m = parseMessage(serializeMessage(responseTo(req, status, reason)));
    if (!m.ok || m.message.kind !== 'response') throw new Error('bad response');
    return m.message;
  }
}
