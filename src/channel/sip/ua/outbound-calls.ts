import type { CallInput } from '../../../call/index.ts';
import type { Logger } from '../../../log/index.ts';
import type { Clock, TimerHandle } from '../../../shared/index.ts';
import { formatNameAddr, formatUri, getHeader, getHeaders, parseCSeq, parseVia, serializeMessage, tryParseNameAddr } from '../grammar/index.ts';
import type { NameAddr, SipRequest, SipResponse, SipUri } from '../grammar/message.ts';
import { cancelFor } from '../core/invite-client-transaction.ts';
import { MAGIC_COOKIE, type TransactionLayer } from '../core/transaction-layer.ts';
import type { Peer, SipTransport } from '../core/transport.ts';
import { Dialog, token } from './dialog.ts';
import type { MediaFactory, MediaSession } from './media-port.ts';
import { bracketIpv6, dialogRequest } from './requests.ts';
import type { SipCall } from './sip-call.ts';

/** Why a call the line placed was not answered. */
export type DialFailure = 'busy' | 'no_answer' | 'declined' | 'unreachable' | 'refused' | 'no_media' | 'cancelled' | 'not_configured';

export type DialResult = { kind: 'answered'; callId: string } | { kind: 'failed'; reason: DialFailure; status?: number };

export interface DialRequest {
  /** The number to call, as the trunk takes it (E.164 with its +): the user part of the Request-URI. */
  number: string;
  /** Our caller ID: the user part of From (the bank's published number, so the customer recognises it). */
  callerId: string;
  displayName?: string;
  /** How long it may ring before the line gives up with a CANCEL. */
  ringMs: number;
  /** Aborts the attempt (shutdown): CANCEL, or BYE once answered. */
  signal?: AbortSignal;
}

/** Where calls the line places go: the operator's trunk or SBC, as an outbound proxy (RFC 3261 §8.1.2). */
export interface OutboundTrunk {
  peer: Peer;
  /** The host part of Request-URI and To (the trunk's domain), e.g. `sbc.example.net`; the peer's address by default. */
  domain?: string;
}

export interface OutboundCallsDeps {
  clock: Clock;
  logger: Logger;
  layer: () => TransactionLayer;
  transport: (peer: Peer) => SipTransport;
  media: MediaFactory;
  host: string;
  port: number;
  trunk: OutboundTrunk | null;
  /** Our Contact for a dialog on the trunk's transport, and the methods we take (as the UAS says them). */
  contact(peer: Peer): string;
  allow: readonly string[];
  /** Makes a SipCall for an answered dialog and registers it with the UA (in-dialog requests find it by dialog id). */
  register(init: { dialog: Dialog; peer: Peer; media: MediaSession }): SipCall;
}

/**
 * The UAC core for the calls the line places (the signing key's call-back):
 * an INVITE with our SDP offer through the trunk, CANCEL when it rings too
 * long (RFC 3261 §9.1), the ACK for the 2xx (§13.2.2.4, again for each
 * retransmitted 2xx), and a dialog from the 2xx (§12.1.2). A second 2xx from
 * a forked branch is acknowledged and hung up. `attach` runs the moment the
 * call is live, before any key or BYE from the callee can arrive.
 *
 * @example
 *   const r = await outbound.dial({ number: '+34600111222', callerId: '950183313', ringMs: 30_000 }, (call) => line.startOutbound(call));
 *   if (r.kind === 'failed') retryLater(r.reason);
 */
export class OutboundCalls {
  readonly #deps: OutboundCallsDeps;

  constructor(deps: OutboundCallsDeps) {
    this.#deps = deps;
  }

  async dial(req: DialRequest, attach: (call: SipCall) => CallInput): Promise<DialResult> {
    const trunk = this.#deps.trunk;
    if (!trunk) return { kind: 'failed', reason: 'not_configured' };
    if (req.signal?.aborted) return { kind: 'failed', reason: 'cancelled' };
    const callId = `${token(12)}@${bracketIpv6(this.#deps.host)}`;
    let media: MediaSession;
    try {
      media = await this.#deps.media.create(callId);
    } catch (err) {
      this.#deps.logger.warn({ err }, 'no media for an outbound call');
      return { kind: 'failed', reason: 'no_media' };
    }
    const offer = media.offer();
    if (offer === null) {
      media.close();
      return { kind: 'failed', reason: 'no_media' };
    }
    const invite = this.#invite(req, trunk, callId, offer);
    return new Promise<DialResult>((resolve) => new Attempt(this.#deps, { peer: trunk.peer, invite, media, req, attach, resolve }).start());
  }

  #invite(req: DialRequest, trunk: OutboundTrunk, callId: string, offer: string): SipRequest {
    const { host, port } = this.#deps;
    const domain = trunk.domain ?? bracketIpv6(trunk.peer.address);
    const target: SipUri = { scheme: 'sip', user: req.number, password: null, host: domain, port: trunk.domain ? null : trunk.peer.port, params: {}, headers: {} };
    const us: SipUri = { scheme: 'sip', user: req.callerId, password: null, host: bracketIpv6(host), port: null, params: {}, headers: {} };
    const from: NameAddr = { displayName: req.displayName ?? null, uri: us, params: { tag: token() } };
    const body = Buffer.from(offer);
    const headers: [string, string][] = [
      ['Via', `SIP/2.0/${trunk.peer.protocol.toUpperCase()} ${bracketIpv6(host)}:${port};branch=${MAGIC_COOKIE}${token(10)};rport`],
      ['Max-Forwards', '70'],
      ['From', formatNameAddr(from)],
      ['To', `<${formatUri(target)}>`],
      ['Call-ID', callId],
      // §8.1.1.5: any number below 2**31 starts the sequence; a random one avoids reuse across restarts.
      ['CSeq', `${1 + Math.floor(Math.random() * 10_000)} INVITE`],
      ['Contact', this.#deps.contact(trunk.peer)],
      ['Allow', this.#deps.allow.join(', ')],
      ['User-Agent', 'Clave'],
      ['Content-Type', 'application/sdp'],
    ];
    return { kind: 'request', method: 'INVITE', uri: target, rawUri: formatUri(target), version: 'SIP/2.0', headers, body };
  }
}

interface AttemptInit {
  peer: Peer;
  invite: SipRequest;
  media: MediaSession;
  req: DialRequest;
  attach: (call: SipCall) => CallInput;
  resolve: (r: DialResult) => void;
}

/** One INVITE on its way: ringing, then answered or refused, settled once. */
class Attempt {
  readonly #deps: OutboundCallsDeps;
  readonly #init: AttemptInit;
  readonly #seq: number;
  #ringTimer: TimerHandle | null = null;
  #provisional = false;
  /** Why we want the INVITE gone; the CANCEL waits for a provisional response if none came yet (§9.1). */
  #cancelling: 'ring' | 'abort' | null = null;
  #cancelSent = false;
  #call: SipCall | null = null;
  /** The ACK for our 2xx, sent again for each retransmission of it. */
  #ack: Buffer | null = null;
  #settled = false;
  readonly #onAbort = () => this.#cancel('abort');

  constructor(deps: OutboundCallsDeps, init: AttemptInit) {
    this.#deps = deps;
    this.#init = init;
    this.#seq = parseCSeq(getHeader(init.invite, 'cseq') ?? '1 INVITE').seq;
  }

  start(): void {
    const { invite, peer, req } = this.#init;
    const tx = this.#deps.layer().sendInvite(invite, peer);
    tx.onResponse = (r) => this.#response(r);
    tx.onTimeout = () => this.#fail('unreachable');
    this.#ringTimer = this.#deps.clock.setTimeout(() => this.#cancel('ring'), req.ringMs);
    req.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  #response(r: SipResponse): void {
    if (r.status < 200) {
      this.#provisional = true;
      if (this.#cancelling && !this.#cancelSent) this.#sendCancel();
      return;
    }
    if (r.status >= 300) {
      this.#fail(failureFor(r.status, this.#cancelling), r.status);
      return;
    }
    this.#answered(r);
  }

  #answered(ok: SipResponse): void {
    const toTag = tryParseNameAddr(getHeader(ok, 'to') ?? '')?.params['tag'] ?? '';
    const mine = this.#call;
    if (mine && mine.dialog.remoteTag === toTag) {
      // A retransmitted 2xx: its ACK was lost (RFC 3261 §13.2.2.4: the UAC core "MUST" send the ACK again).
      if (this.#ack) this.#send(this.#ack);
      return;
    }
    const dialog = this.#dialog(ok, toTag);
    const ack = dialogRequest(dialog, 'ACK', this.#via(), [], undefined, this.#seq).data;
    this.#send(ack);
    if (mine || this.#settled) {
      // A second branch of a forked INVITE answered too (§13.2.2.4): acknowledge it, then end that dialog.
      this.#bye(dialog);
      return;
    }
    this.#ack = ack;
    const { media } = this.#init;
    if (this.#cancelling === 'abort' || ok.body.length === 0 || !media.accept(ok.body.toString('utf8'))) {
      // Answered after we gave up on it, or with no answer we can use: there is no call to have, so end the dialog.
      const reason: DialFailure = this.#cancelling === 'abort' ? 'cancelled' : 'no_media';
      this.#bye(dialog);
      this.#fail(reason, ok.status);
      return;
    }
    const call = this.#deps.register({ dialog, peer: this.#init.peer, media });
    this.#call = call;
    call.connected();
    try {
      call.input = this.#init.attach(call);
    } catch (err) {
      // The line would not take it (it is stopping): the callee hears nothing more, the call ends now.
      this.#deps.logger.warn({ err }, 'the line refused an answered outbound call');
      call.hangup('refused');
      this.#settle({ kind: 'failed', reason: 'cancelled', status: ok.status });
      return;
    }
    this.#settle({ kind: 'answered', callId: dialog.callId });
  }

  /** The dialog a 2xx creates at the UAC (RFC 3261 §12.1.2). */
  #dialog(ok: SipResponse, remoteTag: string): Dialog {
    const { invite } = this.#init;
    const from = tryParseNameAddr(getHeader(invite, 'from') ?? '')!;
    const to = tryParseNameAddr(getHeader(ok, 'to') ?? '') ?? tryParseNameAddr(getHeader(invite, 'to') ?? '')!;
    const contact = tryParseNameAddr(getHeader(ok, 'contact') ?? '')?.uri;
    const { tag: localTag = '', ...fromParams } = from.params;
    const { tag: _theirs, ...toParams } = to.params;
    const dialog = new Dialog({
      callId: getHeader(invite, 'call-id') ?? '',
      localTag: localTag ?? '',
      remoteTag,
      remote: { ...to, params: toParams },
      local: { ...from, params: fromParams },
      // §12.1.2: "The remote target MUST be set to the URI from the Contact header field of the response."
      remoteTarget: contact && (contact.scheme === 'sip' || contact.scheme === 'sips') ? contact : invite.uri,
      // "The route set MUST be set to the list of URIs in the Record-Route header field from the response, taken in reverse order".
      routeSet: getHeaders(ok, 'record-route').reverse(),
      // "The remote sequence number MUST be empty": any CSeq from the callee is in order.
      remoteSeq: 0,
    });
    // "The local sequence number MUST be set to the value of the sequence number in the CSeq header field of the request."
    dialog.localSeq = this.#seq;
    return dialog;
  }

  #cancel(why: 'ring' | 'abort'): void {
    // Once settled there is nothing to cancel: a live call is ended by its owner, with BYE.
    if (this.#settled || this.#cancelling) return;
    this.#cancelling = why;
    // §9.1: "a CANCEL request SHOULD NOT be sent to cancel a request other than INVITE", nor before a provisional response.
    if (this.#provisional) this.#sendCancel();
  }

  #sendCancel(): void {
    this.#cancelSent = true;
    const cancel = cancelFor(this.#init.invite);
    const branch = parseVia(getHeader(cancel, 'via') ?? '').params['branch'] ?? '';
    this.#deps.layer().sendRequest(serializeMessage(cancel), this.#init.peer, branch, 'CANCEL');
  }

  #fail(reason: DialFailure, status?: number): void {
    this.#init.media.close();
    this.#settle({ kind: 'failed', reason, ...(status !== undefined ? { status } : {}) });
  }

  #settle(result: DialResult): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#ringTimer) this.#deps.clock.clearTimeout(this.#ringTimer);
    this.#init.req.signal?.removeEventListener('abort', this.#onAbort);
    this.#init.resolve(result);
  }

  #bye(dialog: Dialog): void {
    const bye = dialogRequest(dialog, 'BYE', this.#via());
    this.#deps.layer().sendRequest(bye.data, this.#init.peer, bye.branch, 'BYE');
  }

  #via(): { transport: string; host: string; port: number } {
    return { transport: this.#init.peer.protocol, host: this.#deps.host, port: this.#deps.port };
  }

  #send(data: Buffer): void {
    this.#deps.transport(this.#init.peer).send(data, this.#init.peer);
  }
}

/**
 * What a final non-2xx says about the number (RFC 3261 §21): busy (486,
 * 600), no answer (408, 480, or 487 after our CANCEL for ringing too long),
 * declined (603), not a number we can reach (404, 410, 484, 485, 604, a
 * redirection we do not follow), or refused by the network (the rest,
 * including 401/407: the trunk wants credentials the line does not have).
 */
export function failureFor(status: number, cancelling: 'ring' | 'abort' | null = null): DialFailure {
  if (status === 487) return cancelling === 'abort' ? 'cancelled' : 'no_answer';
  if (status === 486 || status === 600) return 'busy';
  if (status === 408 || status === 480) return 'no_answer';
  if (status === 603) return 'declined';
  if (status < 400 || [404, 410, 484, 485, 604].includes(status)) return 'unreachable';
  return 'refused';
}
