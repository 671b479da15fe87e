import type { Admission, AdmissionPeek, AdmissionTicket, CallInput } from '../../../call/index.ts';
import type { Logger } from '../../../log/index.ts';
import { isClaveError, type Clock } from '../../../shared/index.ts';
import { getHeader, getHeaders, parseCSeq, parseNameAddr, responseTo, serializeMessage, tryParseNameAddr } from '../grammar/index.ts';
import type { SipRequest } from '../grammar/message.ts';
import type { ServerTransaction, TransactionLayer, TransactionUser } from '../core/transaction-layer.ts';
import type { InviteServerTransaction } from '../core/server-transaction.ts';
import type { Peer, SipTransport } from '../core/transport.ts';
import { Dialog, dialogId, token } from './dialog.ts';
import type { MediaFactory } from './media-port.ts';
import { bracketIpv6, dialogRequest } from './requests.ts';
import { SipCall } from './sip-call.ts';
import { OutboundCalls, type DialRequest, type DialResult, type OutboundTrunk } from './outbound-calls.ts';
import { acceptsSdp, sdpBody, dtmfFromInfo } from './bodies.ts';

/** Methods this UAS implements (sent in Allow, RFC 3261 §20.5). */
export const ALLOW = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'INFO', 'NOTIFY'] as const;
/** Methods we know but do not take: 405 with Allow rather than 501. */
const KNOWN_NOT_ALLOWED = new Set(['REGISTER', 'MESSAGE', 'SUBSCRIBE', 'PUBLISH', 'PRACK', 'UPDATE', 'REFER']);
/** Option tags we support (RFC 3261 §8.2.2.3). */
const SUPPORTED: readonly string[] = [];

export interface LinePort {
  /** Whether a flow answers this dialed number. */
  knows(to: string): boolean;
  /** Takes the call's place on the line when the INVITE arrives (before any work for it); absent: no admission control. */
  admit?(to: string): Admission;
  /** What an INVITE would get now, without taking a place. */
  peek?(): AdmissionPeek;
  /** On the ACK: the call starts, in the place admit() gave. */
  startCall(args: { channel: SipCall; from: string; to: string; admission?: AdmissionTicket }): CallInput;
}

export interface UserAgentDeps {
  clock: Clock;
  logger: Logger;
  layer: () => TransactionLayer;
  transports: { udp?: SipTransport; tcp?: SipTransport };
  media: MediaFactory;
  line: LinePort;
  /** Our address as peers should reach it (Via, Contact). */
  host: string;
  port: number;
  /** Sources whose P-Asserted-Identity is believed (RFC 3325 trust domain). */
  trustedPeers: ReadonlySet<string>;
  /** Where the calls the line places go (CLAVE_SIP_TRUNK); none: the line does not dial out. */
  trunk?: OutboundTrunk | null;
}

/**
 * The user agent server core (RFC 3261 §8.2 and §13.3): validates requests,
 * answers what it does not take with the RFC's codes, turns INVITEs into
 * calls on the line, and keeps their dialogs.
 */
export class UserAgent implements TransactionUser {
  readonly #deps: UserAgentDeps;
  readonly #calls = new Map<string, SipCall>();
  /** Places on the line taken at the INVITE, until the ACK hands them to the call (or the call ends unstarted). */
  readonly #places = new Map<SipCall, AdmissionTicket>();
  #draining = false;
  readonly #outbound: OutboundCalls;

  constructor(deps: UserAgentDeps) {
    this.#deps = deps;
    this.#outbound = new OutboundCalls({
      clock: deps.clock,
      logger: deps.logger,
      layer: deps.layer,
      transport: (peer) => this.#transport(peer),
      media: deps.media,
      host: deps.host,
      port: deps.port,
      trunk: deps.trunk ?? null,
      contact: (peer) => this.#contact(peer),
      allow: ALLOW,
      register: ({ dialog, peer, media }) => {
        const call = new SipCall({ dialog, invite: null, peer, media }, this.#callDeps());
        this.#calls.set(dialog.id, call);
        return call;
      },
    });
  }

  /**
   * Places a call through the trunk (the signing key's call-back); `attach`
   * hands the answered call to the line before anything from the callee
   * reaches it.
   *
   * @example
   *   const r = await ua.dial({ number: '+34600111222', callerId: '950183313', ringMs: 30_000 }, (call) => line.startOutbound(call));
   */
  dial(req: DialRequest, attach: (call: SipCall) => CallInput): Promise<DialResult> {
    return this.#outbound.dial(req, attach);
  }

  get calls(): ReadonlyMap<string, SipCall> {
    return this.#calls;
  }

  /** From now on new INVITEs get 503 with Retry-After. */
  drain(): void {
    this.#draining = true;
  }

  request(req: SipRequest, tx: ServerTransaction, source: Peer): void {
    try {
      this.#route(req, tx, source);
    } catch (err) {
      this.#deps.logger.error({ err, method: req.method }, 'SIP request failed');
      this.#reply(tx, req, 500, 'Server Internal Error');
    }
  }

  ack(req: SipRequest): void {
    const call = this.#calls.get(this.#dialogKey(req));
    if (!call) return;
    try {
      if (call.acknowledged(parseCSeq(getHeader(req, 'cseq') ?? '').seq)) this.#startLine(call, req);
    } catch (err) {
      // An ACK has no response to carry an error, and a throw here would reach the socket's event handler.
      this.#deps.logger.error({ err }, 'SIP ACK failed');
      call.hangup('failed');
    }
  }

  #route(req: SipRequest, tx: ServerTransaction, source: Peer): void {
    // RFC 3261 §8.2.2.1: "If the Request-URI uses a scheme not supported by the UAS, it SHOULD reject the request with a 416".
    if (req.uri.scheme !== 'sip' && req.uri.scheme !== 'sips' && req.uri.scheme !== 'tel') {
      this.#reply(tx, req, 416, 'Unsupported URI Scheme');
      return;
    }
    const cseq = parseCSeq(getHeader(req, 'cseq') ?? '');
    if (cseq.method !== req.method) {
      this.#reply(tx, req, 400, 'CSeq Method Does Not Match');
      return;
    }
    // RFC 3261 §8.2.2.2: "If the request has no tag in the To header field, the UAS core MUST check the request
    // against ongoing transactions": a request that forked and came back by another path is answered 482, once.
    if (!this.#hasToTag(req) && this.#deps.layer().isMerged(req)) {
      this.#reply(tx, req, 482, 'Loop Detected');
      return;
    }
    if (req.method !== 'CANCEL') {
      // §8.2.2.3: a UAS answers Require tags it does not understand with 420 and an Unsupported list (Proxy-Require is ignored).
      const unsupported = getHeaders(req, 'require').filter((t) => !SUPPORTED.includes(t.toLowerCase()));
      if (unsupported.length > 0) {
        this.#reply(tx, req, 420, 'Bad Extension', [['Unsupported', unsupported.join(', ')]]);
        return;
      }
    }
    switch (req.method) {
      case 'INVITE':
        if (this.#hasToTag(req)) this.#reInvite(req, tx as InviteServerTransaction, source);
        else
          this.#invite(req, tx as InviteServerTransaction, source).catch((err: unknown) => {
            // Out of media ports is the line being full: a trunk should retry elsewhere or later (503), not see a failure.
            if (isClaveError(err, 'MEDIA_PORTS_EXHAUSTED')) {
              this.#deps.logger.warn('no RTP port free: INVITE refused with 503');
              this.#reply(tx, req, 503, 'Service Unavailable', [['Retry-After', '5']]);
              return;
            }
            this.#deps.logger.error({ err }, 'INVITE failed');
            this.#reply(tx, req, 500, 'Server Internal Error');
          });
        return;
      case 'CANCEL':
        this.#cancel(req, tx);
        return;
      case 'BYE':
        this.#bye(req, tx);
        return;
      case 'INFO':
        this.#info(req, tx);
        return;
      case 'OPTIONS':
        // RFC 3261 §11.2: "The response code chosen MUST be the same that would have been chosen had the request
        // been an INVITE": while draining, 503, which also tells a trunk's keep-alive to send calls elsewhere.
        // (An unknown user still gets 200: trunks ping any URI, and 404 would mark the whole line down.)
        if (this.#draining && !this.#hasToTag(req)) {
          this.#reply(tx, req, 503, 'Service Unavailable', [['Retry-After', '60']]);
          return;
        }
        // Likewise at capacity, when an INVITE would be refused (CLAVE_AT_CAPACITY=reject, or beyond the refusals' own bound).
        if (!this.#hasToTag(req)) {
          const peek = this.#deps.line.peek?.();
          if (peek?.kind === 'refused') {
            this.#reply(tx, req, 503, 'Service Unavailable', [['Retry-After', String(peek.retryAfterSeconds)]]);
            return;
          }
        }
        this.#reply(tx, req, 200, 'OK', [['Accept', 'application/sdp'], ['Allow', ALLOW.join(', ')], ['Supported', SUPPORTED.join(', ')]]);
        return;
      case 'NOTIFY':
        // The far end's progress of a REFER we sent (RFC 3515 §2.4.4).
        if (this.#inDialog(req, tx)) this.#reply(tx, req, 200, 'OK');
        return;
      default:
        if (KNOWN_NOT_ALLOWED.has(req.method)) this.#reply(tx, req, 405, 'Method Not Allowed', [['Allow', ALLOW.join(', ')]]);
        else this.#reply(tx, req, 501, 'Not Implemented', [['Allow', ALLOW.join(', ')]]);
    }
  }

  async #invite(req: SipRequest, tx: InviteServerTransaction, source: Peer): Promise<void> {
    this.#reply(tx, req, 100, 'Trying');
    if (!acceptsSdp(req)) {
      this.#reply(tx, req, 406, 'Not Acceptable', [['Accept', 'application/sdp']]);
      return;
    }
    const offer = sdpBody(req);
    if (offer.kind === 'unsupported') {
      this.#reply(tx, req, 415, 'Unsupported Media Type', [['Accept', 'application/sdp']]);
      return;
    }
    if (this.#draining) {
      this.#reply(tx, req, 503, 'Service Unavailable', [['Retry-After', '60']]);
      return;
    }
    const to = req.uri.user ?? '';
    if (!this.#deps.line.knows(to)) {
      this.#reply(tx, req, 404, 'Not Found');
      return;
    }
    if (offer.kind === 'none') {
      // An INVITE without an offer would need our offer in the 2xx and the answer in the ACK; not supported yet.
      this.#reply(tx, req, 488, 'Not Acceptable Here', [['Warning', '399 clave "an SDP offer is required"']]);
      return;
    }
    // Admission before any work for the call (media, dialog): a full line answers 503 and the calls on it are untouched.
    // RFC 3261 §21.5.4: 503 "The server MAY indicate when the client should retry the request in a Retry-After header field".
    const admission = this.#deps.line.admit?.(to);
    if (admission?.kind === 'refused') {
      this.#reply(tx, req, 503, 'Service Unavailable', [['Retry-After', String(admission.retryAfterSeconds)]]);
      return;
    }
    try {
      if (!(await this.#answer(req, tx, source, offer.sdp, admission))) admission?.release();
    } catch (err) {
      admission?.release();
      throw err;
    }
  }

  /** Media, dialog and the 200; false when the call was not answered after all (no common codec, CANCELled meanwhile). */
  async #answer(req: SipRequest, tx: InviteServerTransaction, source: Peer, sdp: string, admission: AdmissionTicket | undefined): Promise<boolean> {
    const media = await this.#deps.media.create(getHeader(req, 'call-id') ?? '');
    const answer = media.negotiate(sdp);
    if (answer === null) {
      media.close();
      this.#reply(tx, req, 488, 'Not Acceptable Here', [['Warning', '305 clave "no common codec: PCMU or PCMA needed"']]);
      return false;
    }
    if (tx.state !== 'proceeding') {
      // CANCELled while the media was set up.
      media.close();
      return false;
    }
    const from = parseNameAddr(getHeader(req, 'from') ?? '');
    const toAddr = parseNameAddr(getHeader(req, 'to') ?? '');
    const contact = getHeader(req, 'contact');
    const target = contact ? tryParseNameAddr(contact)?.uri : undefined;
    const localTag = token();
    const dialog = new Dialog({
      callId: getHeader(req, 'call-id') ?? '',
      localTag,
      remoteTag: from.params['tag'] ?? '',
      remote: from,
      local: toAddr,
      // A Contact we cannot read, or that is not a SIP URI, leaves the From URI as the best target we have.
      remoteTarget: target && (target.scheme === 'sip' || target.scheme === 'sips') ? target : from.uri,
      routeSet: getHeaders(req, 'record-route'),
      remoteSeq: parseCSeq(getHeader(req, 'cseq') ?? '').seq,
    });
    const call = new SipCall({ dialog, invite: tx, peer: source, media }, this.#callDeps());
    this.#calls.set(dialog.id, call);
    if (admission) this.#places.set(call, admission);
    const ok = serializeMessage(
      responseTo(req, 200, 'OK', [
        ['Contact', this.#contact(source)],
        ['Allow', ALLOW.join(', ')],
        ['Content-Type', 'application/sdp'],
      ], Buffer.from(answer), localTag),
    );
    tx.respond(200, ok);
    call.answered(
      ok,
      (data) => this.#transport(source).send(data, source),
      () => call.hangup('no_ack'),
    );
    return true;
  }

  #callDeps() {
    return {
      clock: this.#deps.clock,
      sendInDialog: (d: Dialog, method: string, peer: Peer, extra?: [string, string][]) => this.#sendInDialog(d, method, peer, extra),
      onEnded: (c: SipCall) => {
        this.#calls.delete(c.dialog.id);
        // Ended before its ACK (CANCEL, no ACK): the place it held is free again.
        this.#places.get(c)?.release();
        this.#places.delete(c);
      },
    };
  }

  #startLine(call: SipCall, _ack: SipRequest): void {
    if (!call.invite) return;
    const invite = call.invite.request;
    const to = invite.uri.user ?? '';
    const admission = this.#places.get(call);
    this.#places.delete(call);
    try {
      call.input = this.#deps.line.startCall({ channel: call, from: this.#caller(invite, call.peer), to, ...(admission ? { admission } : {}) });
    } catch (err) {
      this.#deps.logger.warn({ err }, 'the line refused an answered call');
      call.hangup('refused');
    }
  }

  /** The caller: P-Asserted-Identity from a trusted peer (RFC 3325), else the From user. */
  #caller(invite: SipRequest, source: Peer): string {
    const pai = getHeader(invite, 'p-asserted-identity');
    const asserted = pai && this.#deps.trustedPeers.has(source.address) ? tryParseNameAddr(pai) : null;
    const identity = asserted ?? parseNameAddr(getHeader(invite, 'from') ?? '');
    return identity.uri.user ?? identity.uri.host;
  }

  /** A re-INVITE (RFC 3261 §14.2): a new SDP offer for the call, and a target refresh (§12.2.2). */
  #reInvite(req: SipRequest, tx: InviteServerTransaction, source: Peer): void {
    const call = this.#inDialog(req, tx);
    if (!call) return;
    if (call.state !== 'live') {
      // The first INVITE is not finished (no ACK yet, or we are hanging up). As §14.2 says for a second INVITE
      // before the first one's final response: "MUST return a 500 … and MUST include a Retry-After header field
      // with a randomly chosen value of between 0 and 10 seconds."
      this.#reply(tx, req, 500, 'Server Internal Error', [['Retry-After', String(Math.floor(Math.random() * 11))]]);
      return;
    }
    const offer = sdpBody(req);
    const answer = offer.kind === 'sdp' ? call.media.negotiate(offer.sdp) : null;
    if (answer === null) {
      // §14.2: a UAS that cannot accept the changes answers 488 and the session goes on unchanged.
      this.#reply(tx, req, 488, 'Not Acceptable Here');
      return;
    }
    // §12.2.2: "When a UAS receives a target refresh request, it MUST replace the dialog's remote target URI
    // with the URI from the Contact header field in that request, if present."
    const contact = getHeader(req, 'contact');
    const target = contact ? tryParseNameAddr(contact)?.uri : undefined;
    if (target && (target.scheme === 'sip' || target.scheme === 'sips')) call.dialog.remoteTarget = target;
    const ok = serializeMessage(
      responseTo(req, 200, 'OK', [['Contact', this.#contact(source)], ['Allow', ALLOW.join(', ')], ['Content-Type', 'application/sdp']], Buffer.from(answer)),
    );
    tx.respond(200, ok);
    call.reanswered(parseCSeq(getHeader(req, 'cseq') ?? '').seq, ok, (data) => this.#transport(source).send(data, source));
  }

  #cancel(req: SipRequest, tx: ServerTransaction): void {
    const invite = this.#deps.layer().inviteFor(req);
    if (!invite) {
      this.#reply(tx, req, 481, 'Call/Transaction Does Not Exist');
      return;
    }
    // RFC 3261 §9.2: answer the CANCEL with 200, and the INVITE, if still unanswered, with 487; "the To tag
    // of the response to the CANCEL and the To tag in the response to the original request SHOULD be the same".
    const tag = [...this.#calls.values()].find((c) => c.invite === invite)?.dialog.localTag ?? token();
    this.#reply(tx, req, 200, 'OK', [], undefined, tag);
    if (invite.state === 'proceeding') {
      this.#reply(invite, invite.request, 487, 'Request Terminated', [], undefined, tag);
      for (const call of this.#calls.values()) if (call.invite === invite) call.remoteHangup();
    }
  }

  #bye(req: SipRequest, tx: ServerTransaction): void {
    const call = this.#inDialog(req, tx);
    if (!call) return;
    this.#reply(tx, req, 200, 'OK');
    call.remoteHangup();
  }

  #info(req: SipRequest, tx: ServerTransaction): void {
    const call = this.#inDialog(req, tx);
    if (!call) return;
    const dtmf = dtmfFromInfo(req);
    if (dtmf.kind === 'unsupported') {
      this.#reply(tx, req, 415, 'Unsupported Media Type', [['Accept', 'application/dtmf-relay, application/dtmf']]);
      return;
    }
    if (dtmf.kind === 'malformed') {
      this.#reply(tx, req, 400, 'Bad Request (DTMF signal is not a key)');
      return;
    }
    this.#reply(tx, req, 200, 'OK');
    if (dtmf.kind === 'key') call.digit(dtmf.key);
  }

  /** The call an in-dialog request belongs to; null once the request has been answered 481 or 500. */
  #inDialog(req: SipRequest, tx: ServerTransaction): SipCall | null {
    const call = this.#calls.get(this.#dialogKey(req));
    if (!call) {
      // RFC 3261 §12.2.2: a request for a dialog we do not have "SHOULD" get 481.
      this.#reply(tx, req, 481, 'Call/Transaction Does Not Exist');
      return null;
    }
    const seq = parseCSeq(getHeader(req, 'cseq') ?? '').seq;
    // §12.2.2: "If the remote sequence number is not empty, but the sequence number of the request is lower than
    // the remote sequence number, the request is out of order and MUST be rejected with a 500".
    if (seq < call.dialog.remoteSeq) {
      this.#reply(tx, req, 500, 'Server Internal Error (CSeq out of order)');
      return null;
    }
    call.dialog.remoteSeq = seq;
    return call;
  }

  #sendInDialog(dialog: Dialog, method: string, peer: Peer, extra: [string, string][] = []) {
    // A REFER sets up the implicit subscription its NOTIFYs belong to (RFC 3515 §2.4.4); peers route those by our Contact.
    if (method === 'REFER') extra = [...extra, ['Contact', this.#contact(peer)]];
    const { data, branch } = dialogRequest(dialog, method, { transport: peer.protocol, host: this.#deps.host, port: this.#deps.port }, extra);
    return this.#deps.layer().sendRequest(data, peer, branch, method);
  }

  #reply(tx: ServerTransaction, req: SipRequest, status: number, reason: string, extra: [string, string][] = [], body?: Buffer, toTag?: string): void {
    const tag = toTag ?? (status > 100 && !this.#hasToTag(req) ? token() : undefined);
    tx.respond(status, serializeMessage(responseTo(req, status, reason, extra, body, tag)));
  }

  #transport(peer: Peer): SipTransport {
    const t = this.#deps.transports[peer.protocol];
    if (!t) throw new Error(`no ${peer.protocol} transport`);
    return t;
  }

  /** Our Contact for a dialog: where the caller sends its requests, on the transport it used. */
  #contact(peer: Peer): string {
    return `<sip:clave@${bracketIpv6(this.#deps.host)}:${this.#deps.port};transport=${peer.protocol}>`;
  }

  #hasToTag(req: SipRequest): boolean {
    return parseNameAddr(getHeader(req, 'to') ?? '').params['tag'] !== undefined;
  }

  /** Our dialog for an in-dialog request: Call-ID, our tag (their To), their tag (their From). */
  #dialogKey(req: SipRequest): string {
    const to = parseNameAddr(getHeader(req, 'to') ?? '');
    const from = parseNameAddr(getHeader(req, 'from') ?? '');
    return dialogId(getHeader(req, 'call-id') ?? '', to.params['tag'] ?? '', from.params['tag'] ?? '');
  }
}
