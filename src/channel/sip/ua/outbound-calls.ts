import type { CallInput } from '../../../call/index.ts';
import type { Logger } from '../../../log/index.ts';
import type { Clock, Sensitive, TimerHandle } from '../../../shared/index.ts';
import { formatNameAddr, formatUri, formatVia, getHeader, getHeaders, parseCSeq, parseVia, serializeMessage, tryParseNameAddr } from '../grammar/index.ts';
import type { NameAddr, SipRequest, SipResponse, SipUri } from '../grammar/message.ts';
import { cancelFor } from '../core/invite-client-transaction.ts';
import { MAGIC_COOKIE, type TransactionLayer } from '../core/transaction-layer.ts';
import type { Peer, SipTransport } from '../core/transport.ts';
import { Dialog, token } from './dialog.ts';
import { digestAuthorization, parseDigestChallenge, type DigestChallenge } from './digest.ts';
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

/** The account a trunk challenges for (401/407). */
export interface TrunkCredentials {
  username: string;
  password: Sensitive;
}

/** Where calls the line places go: the operator's trunk or SBC, as an outbound proxy (RFC 3261 §8.1.2). */
export interface OutboundTrunk {
  peer: Peer;
  /** The host part of Request-URI and To (the trunk's domain), e.g. `sbc.example.net`; the peer's address by default. */
  domain?: string;
  /** Answers the trunk's Digest challenges; without them a challenge is a refusal. */
  credentials?: TrunkCredentials;
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
    return new Promise<DialResult>((resolve) =>
      new Attempt(this.#deps, { peer: trunk.peer, invite, media, req, attach, resolve, credentials: trunk.credentials ?? null }).start(),
    );
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
  /** The INVITE on its way: a challenge answered replaces it with the next (new branch, CSeq + 1). */
  invite: SipRequest;
  credentials: TrunkCredentials | null;
  media: MediaSession;
  req: DialRequest;
  attach: (call: SipCall) => CallInput;
  resolve: (r: DialResult) => void;
}

/** RFC 3261 §18.1.1: "larger than 1300 bytes and the path MTU is unknown" → a congestion-controlled transport. */
const UDP_SAFE_BYTES = 1300;

/** A trunk that challenges more often than this (each answer refused as stale) is refusing us. */
const MAX_CHALLENGES = 3;

/** One INVITE on its way: ringing, then answered or refused, settled once. */
class Attempt {
  readonly #deps: OutboundCallsDeps;
  readonly #init: AttemptInit;
  #seq: number;
  /** Challenges answered, and the realms answered so far: the same realm again, not stale, means wrong credentials. */
  #challenges = 0;
  readonly #answeredRealms = new Set<string>();
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
    const { req } = this.#init;
    this.#sendInvite();
    this.#ringTimer = this.#deps.clock.setTimeout(() => this.#cancel('ring'), req.ringMs);
    req.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Sends the current INVITE in a transaction of its own; only the newest one's responses count. */
  #sendInvite(): void {
    const invite = this.#init.invite;
    const tx = this.#deps.layer().sendInvite(invite, this.#init.peer);
    if (tx.size > UDP_SAFE_BYTES) {
      // §18.1.1 wants TCP for such a request (fragments get lost); the line speaks UDP to the trunk, so say it.
      this.#deps.logger.warn({ bytes: tx.size }, 'the call-back INVITE is over 1300 bytes, which RFC 3261 sends over TCP; the line sends it over UDP to the trunk and it may be lost in fragments');
    }
    tx.onResponse = (r) => {
      if (this.#init.invite === invite) this.#response(r);
    };
    tx.onTimeout = () => {
      if (this.#init.invite === invite) this.#fail('unreachable');
    };
  }

  #response(r: SipResponse): void {
    if (r.status < 200) {
      this.#provisional = true;
      if (this.#cancelling && !this.#cancelSent) this.#sendCancel();
      return;
    }
    if ((r.status === 401 || r.status === 407) && this.#answerChallenge(r)) return;
    if (r.status >= 300) {
      this.#fail(failureFor(r.status, this.#cancelling), r.status);
      return;
    }
    this.#answered(r);
  }

  /**
   * A 401 or 407 (RFC 3261 §22.2, §8.1.3.5): the INVITE again, with the same
   * Call-ID, From tag and To, a new branch and CSeq + 1, carrying an
   * Authorization (401) or Proxy-Authorization (407) for each realm that
   * challenged, answering the topmost challenge of that realm we can. False
   * when there is nothing to answer with: no credentials, no challenge we
   * can answer, the same realm refusing our answer (not stale), or giving
   * up on the call meanwhile. The transaction has ACKed the 401/407 itself.
   */
  #answerChallenge(r: SipResponse): boolean {
    const { credentials, invite } = this.#init;
    if (!credentials || this.#cancelling || this.#challenges >= MAX_CHALLENGES) return false;
    const proxy = r.status === 407;
    const byRealm = new Map<string, DigestChallenge>();
    for (const value of getHeaders(r, proxy ? 'proxy-authenticate' : 'www-authenticate')) {
      const challenge = parseDigestChallenge(value);
      if (challenge && !byRealm.has(challenge.realm)) byRealm.set(challenge.realm, challenge);
    }
    const challenges = [...byRealm.values()];
    if (challenges.length === 0) {
      this.#deps.logger.warn({ status: r.status }, 'the trunk challenged the call-back with no Digest challenge the line can answer');
      return false;
    }
    const refused = challenges.find((c) => this.#answeredRealms.has(c.realm) && !c.stale);
    if (refused) {
      this.#deps.logger.error({ status: r.status, realm: refused.realm, username: credentials.username }, 'the trunk refused the call-back credentials (CLAVE_SIP_TRUNK_USER, CLAVE_SIP_TRUNK_PASSWORD)');
      return false;
    }
    this.#challenges++;
    this.#seq++;
    const body = invite.body;
    const authorizations = challenges.map((challenge) => {
      this.#answeredRealms.add(challenge.realm);
      const value = digestAuthorization(challenge, { username: credentials.username, password: credentials.password.reveal() }, {
        method: 'INVITE', uri: invite.rawUri, body, nc: 1,
      });
      return [proxy ? 'Proxy-Authorization' : 'Authorization', value] as [string, string];
    });
    const via = parseVia(getHeader(invite, 'via') ?? '');
    const newVia = formatVia({ ...via, params: { ...via.params, branch: `${MAGIC_COOKIE}${token(10)}` } });
    // Credentials for the other kind of challenge answered earlier (a proxy, then the far end) stay on.
    const replaced = proxy ? 'proxy-authorization' : 'authorization';
    const headers: [string, string][] = [
      ...invite.headers.flatMap(([name, value]): [string, string][] => {
        const key = name.toLowerCase();
        if (key === 'via') return [['Via', newVia]];
        if (key === 'cseq') return [['CSeq', `${this.#seq} INVITE`]];
        return key === replaced ? [] : [[name, value]];
      }),
      ...authorizations,
    ];
    this.#init.invite = { ...invite, headers };
    this.#provisional = false;
    this.#deps.logger.info({ status: r.status, realms: challenges.map((c) => c.realm) }, 'the trunk challenged the call-back; sending it again with credentials');
    this.#sendInvite();
    return true;
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
 * including a 401/407 the line could not answer: no credentials, or wrong
 * ones). Whatever comes once we gave up on the call ourselves is cancelled.
 */
export function failureFor(status: number, cancelling: 'ring' | 'abort' | null = null): DialFailure {
  // Whatever the callee's side answered after we gave up on the call ourselves, it is our cancellation.
  if (cancelling === 'abort') return 'cancelled';
  if (status === 487) return 'no_answer';
  if (status === 486 || status === 600) return 'busy';
  if (status === 408 || status === 480) return 'no_answer';
  if (status === 603) return 'declined';
  if (status < 400 || [404, 410, 484, 485, 604].includes(status)) return 'unreachable';
  return 'refused';
}
