import type { Clock } from '../../../shared/index.ts';
import { getHeader, parseCSeq, parseVia, tryParseNameAddr } from '../grammar/index.ts';
import type { SipRequest, SipResponse } from '../grammar/message.ts';
import { NonInviteClientTransaction } from './client-transaction.ts';
import { InviteClientTransaction } from './invite-client-transaction.ts';
import { InviteServerTransaction, NonInviteServerTransaction } from './server-transaction.ts';
import type { Inbound, Peer, SipTransport, TransactionDeps } from './transport.ts';

export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;
type ClientTransaction = NonInviteClientTransaction | InviteClientTransaction;
/** What the transaction user (the UAS core) is told. */
export interface TransactionUser {
  /** A new request, with the server transaction that answers it (none for ACK). */
  request(request: SipRequest, tx: ServerTransaction, source: Peer): void;
  /** An ACK no transaction absorbed: the ACK for a 2xx, which belongs to the dialog (§17.1.1.3). */
  ack(request: SipRequest, source: Peer): void;
}

/** RFC 3261 §8.1.1.7: a branch that starts with the magic cookie is unique per transaction. */
export const MAGIC_COOKIE = 'z9hG4bK';

/**
 * Matches messages to transactions (RFC 3261 §17.1.3 and §17.2.3), absorbs
 * retransmissions, and hands new requests to the transaction user.
 * Responses matching no client transaction are dropped (§18.1.2).
 */
export class TransactionLayer {
  readonly #clock: Clock;
  readonly #transport: SipTransport;
  readonly #tu: TransactionUser;
  readonly #server = new Map<string, ServerTransaction>();
  /** Server transaction keys by merge identity (From tag, Call-ID, CSeq), so isMerged is a lookup, not a scan. */
  readonly #byMergeId = new Map<string, Set<string>>();
  readonly #client = new Map<string, ClientTransaction>();

  constructor(deps: { clock: Clock; transport: SipTransport; tu: TransactionUser }) {
    this.#clock = deps.clock;
    this.#transport = deps.transport;
    this.#tu = deps.tu;
  }

  get serverCount(): number {
    return this.#server.size;
  }

  get clientCount(): number {
    return this.#client.size;
  }

  receive({ message, source }: Inbound): void {
    if (message.kind === 'response') {
      this.#response(message);
      return;
    }
    const key = serverKey(message);
    const existing = this.#server.get(key);
    if (message.method === 'ACK') {
      // An ACK for a non-2xx final response shares the INVITE's branch (§17.2.3).
      const invite = this.#server.get(serverKey(message, 'INVITE'));
      if (invite instanceof InviteServerTransaction && invite.state === 'completed') invite.ack();
      else if (invite instanceof InviteServerTransaction && invite.state === 'confirmed') return;
      else this.#tu.ack(message, source);
      return;
    }
    if (existing) {
      existing.retransmission();
      return;
    }
    const merge = mergeId(message);
    const deps = {
      clock: this.#clock,
      transport: this.#transport,
      onTerminated: (k: string) => {
        this.#server.delete(k);
        const keys = this.#byMergeId.get(merge);
        keys?.delete(k);
        if (keys?.size === 0) this.#byMergeId.delete(merge);
      },
    };
    const tx = message.method === 'INVITE' ? new InviteServerTransaction(key, message, source, deps) : new NonInviteServerTransaction(key, message, source, deps);
    this.#server.set(key, tx);
    const keys = this.#byMergeId.get(merge) ?? new Set<string>();
    keys.add(key);
    this.#byMergeId.set(merge, keys);
    this.#tu.request(message, tx, source);
  }

  /** The INVITE server transaction a CANCEL targets (§9.2: same branch, method INVITE). */
  inviteFor(cancel: SipRequest): InviteServerTransaction | undefined {
    const tx = this.#server.get(serverKey(cancel, 'INVITE'));
    return tx instanceof InviteServerTransaction ? tx : undefined;
  }

  /**
   * Whether `request` is a merged request (RFC 3261 §8.2.2.2): "If the From
   * tag, Call-ID, and CSeq exactly match those associated with an ongoing
   * transaction, but the request does not match that transaction (based on
   * the matching rules in Section 17.2.3)" — the same request that forked
   * upstream and arrived again by another path.
   *
   * @example
   *   if (!hasToTag(req) && layer.isMerged(req)) reply(482, 'Loop Detected');
   */
  isMerged(request: SipRequest): boolean {
    const key = serverKey(request);
    for (const k of this.#byMergeId.get(mergeId(request)) ?? []) if (k !== key) return true;
    return false;
  }

  /** Sends a request (BYE, REFER…) in a new client transaction; `branch` is the top Via's branch. */
  sendRequest(data: Buffer, to: Peer, branch: string, method: string): NonInviteClientTransaction {
    return this.#startClient(`${branch}|${method}`, (key, deps) => new NonInviteClientTransaction(key, data, to, deps));
  }

  /**
   * Sends an INVITE (a call the line places) in a new INVITE client
   * transaction. Its responses are matched by the top Via's branch and the
   * CSeq method (RFC 3261 §17.1.3), so the CANCEL for it, which shares the
   * branch, is a transaction of its own (sendRequest with method CANCEL).
   */
  sendInvite(request: SipRequest, to: Peer): InviteClientTransaction {
    const branch = parseVia(getHeader(request, 'via') ?? '').params['branch'] ?? '';
    return this.#startClient(`${branch}|INVITE`, (key, deps) => new InviteClientTransaction(key, request, to, deps));
  }

  /** Ends every transaction (shutdown). */
  close(): void {
    for (const tx of [...this.#server.values()]) tx.close();
    for (const tx of [...this.#client.values()]) tx.close();
  }

  /** Registers a client transaction under its §17.1.3 key (branch|method) until it terminates, and starts it. */
  #startClient<T extends ClientTransaction>(key: string, create: (key: string, deps: TransactionDeps) => T): T {
    const tx = create(key, { clock: this.#clock, transport: this.#transport, onTerminated: (k) => this.#client.delete(k) });
    this.#client.set(key, tx);
    tx.start();
    return tx;
  }

  #response(response: SipResponse): void {
    const via = getHeader(response, 'via');
    const cseq = getHeader(response, 'cseq');
    if (!via || !cseq) return;
    const branch = parseVia(via).params['branch'] ?? '';
    const tx = this.#client.get(`${branch}|${parseCSeq(cseq).method}`);
    tx?.receive(response);
  }
}

/**
 * The server transaction key: RFC 3261 §17.2.3's branch + sent-by + method
 * (ACK and CANCEL looked up under INVITE by the caller), or, for an RFC 2543
 * peer without the magic cookie, the request's identifying fields.
 */
export function serverKey(request: SipRequest, method = request.method): string {
  const viaText = getHeader(request, 'via') ?? '';
  const via = parseVia(viaText);
  const branch = via.params['branch'] ?? '';
  const sentBy = `${via.host}:${via.port ?? 5060}`;
  const m = method === 'ACK' ? 'INVITE' : method;
  if (branch.startsWith(MAGIC_COOKIE) && branch.length > MAGIC_COOKIE.length) return `${branch}|${sentBy}|${m}`;
  // RFC 2543 matching (§17.2.3): Request-URI, To tag, From tag, Call-ID, CSeq number and top Via.
  const cseq = parseCSeq(getHeader(request, 'cseq') ?? '0 X');
  const fromTag = /;\s*tag=([^;\s,]+)/i.exec(getHeader(request, 'from') ?? '')?.[1] ?? '';
  return `2543|${request.rawUri}|${fromTag}|${getHeader(request, 'call-id') ?? ''}|${cseq.seq}|${viaText}|${m}`;
}

function mergeId(request: SipRequest): string {
  const fromTag = tryParseNameAddr(getHeader(request, 'from') ?? '')?.params['tag'] ?? '';
  const cseq = parseCSeq(getHeader(request, 'cseq') ?? '0 X');
  return `${fromTag}|${getHeader(request, 'call-id') ?? ''}|${cseq.seq}|${cseq.method}`;
}
