import type { Logger } from '../../log/index.ts';
import type { Clock } from '../../shared/index.ts';
import { TransactionLayer } from './core/transaction-layer.ts';
import type { Peer, SipTransport } from './core/transport.ts';
import { parseMessage, parseStream, responseTo, serializeMessage, type SipParseError } from './grammar/index.ts';
import { token } from './ua/dialog.ts';
import type { MediaFactory } from './ua/media-port.ts';
import type { TrunkCredentials } from './ua/outbound-calls.ts';
import { UserAgent, type LinePort } from './ua/user-agent.ts';
import { TcpTransport, type FrameResult } from './transport/tcp.ts';
import { UdpTransport } from './transport/udp.ts';

const KNOWN_METHODS = new Set(['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'INFO', 'NOTIFY', 'REGISTER', 'MESSAGE', 'SUBSCRIBE', 'PUBLISH', 'PRACK', 'UPDATE', 'REFER']);

export interface SipServerOptions {
  host: string;
  /** 0 picks a free port (tests); UDP and TCP share it. */
  port: number;
  /** The address written in Via and Contact; `host` by default. */
  advertisedHost?: string;
  clock: Clock;
  logger: Logger;
  line: LinePort;
  media: MediaFactory;
  trustedPeers?: readonly string[];
  /** Where the calls the line places go (CLAVE_SIP_TRUNK), over UDP; absent: the line places no calls. */
  trunk?: { host: string; port: number; credentials?: TrunkCredentials };
}

export interface SipServer {
  readonly port: number;
  readonly ua: UserAgent;
  /** New INVITEs get 503 + Retry-After from now on. */
  drain(): void;
  close(): Promise<void>;
}

/**
 * The SIP side of the line: UDP and TCP transports on one port, the
 * transaction layer and the UAS core. Bytes that do not parse are answered
 * statelessly when the request can be answered (400, 505), and dropped
 * otherwise; a TCP stream whose framing is lost is closed.
 */
export async function startSipServer(opts: SipServerOptions): Promise<SipServer> {
  // The transaction layer and the UAS core refer to each other: the core asks for the layer lazily.
  const ref: { layer?: TransactionLayer } = {};
  const transports: { udp?: UdpTransport; tcp?: TcpTransport } = {};
  const send: SipTransport = {
    send(data, to) {
      (to.protocol === 'udp' ? transports.udp : transports.tcp)?.send(data, to);
    },
  };

  const inbound = (data: Buffer, from: Peer, stream: boolean): void => {
    const result = stream ? parseStream(data) : parseMessage(data);
    if (result.ok) {
      ref.layer?.receive({ message: result.message, source: from });
      return;
    }
    refuse(result.error, from);
  };

  const refuse = (error: SipParseError, from: Peer): void => {
    if (error.code === 'EMPTY' || error.code === 'INCOMPLETE' || error.code === 'TOO_LARGE' || !error.request) return;
    // An unknown method is 501 whatever else is wrong with the request (RFC 3261 §8.2.1); a CSeq
    // mismatch on a known one is a bad request.
    const unknownMethod = error.code === 'CSEQ_METHOD_MISMATCH' && !KNOWN_METHODS.has(error.request.method);
    const status = error.code === 'BAD_VERSION' ? 505 : unknownMethod ? 501 : 400;
    const reason = status === 505 ? 'Version Not Supported' : status === 501 ? 'Not Implemented' : `Bad Request (${error.message})`;
    opts.logger.debug({ code: error.code, from: from.address }, 'refused a malformed SIP request');
    // ACK is never answered (RFC 3261 §17.1.1.3).
    if (error.request.method === 'ACK') return;
    send.send(serializeMessage(responseTo({ headers: error.request.headers }, status, reason.replace(/[\r\n]/g, ' '), [], undefined, token())), from);
  };

  transports.udp = await UdpTransport.listen(opts.host, opts.port, (data, from) => inbound(data, from, false));
  const port = transports.udp.port;
  transports.tcp = await TcpTransport.listen(opts.host, port, frameTcp, (data, from, broken) => {
    if (broken) {
      const result = parseStream(data);
      if (!result.ok) refuse(result.error, from);
      return;
    }
    inbound(data, from, true);
  });

  const ua = new UserAgent({
    clock: opts.clock,
    logger: opts.logger,
    layer: () => {
      if (!ref.layer) throw new Error('transaction layer not ready');
      return ref.layer;
    },
    transports: { udp: transports.udp, tcp: transports.tcp },
    media: opts.media,
    line: opts.line,
    host: opts.advertisedHost ?? opts.host,
    port,
    trustedPeers: new Set(opts.trustedPeers ?? []),
    trunk: opts.trunk
      ? { peer: { protocol: 'udp', address: opts.trunk.host, port: opts.trunk.port }, ...(opts.trunk.credentials ? { credentials: opts.trunk.credentials } : {}) }
      : null,
  });
  const txLayer = new TransactionLayer({ clock: opts.clock, transport: send, tu: ua });
  ref.layer = txLayer;

  let closed = false;
  return {
    port,
    ua,
    drain: () => ua.drain(),
    async close() {
      if (closed) return;
      closed = true;
      for (const call of [...ua.calls.values()]) call.close();
      txLayer.close();
      await Promise.all([transports.udp?.close(), transports.tcp?.close()]);
    },
  };
}

/** TCP framing by Content-Length (RFC 3261 §18.3), through the grammar's stream parser. */
function frameTcp(buf: Buffer): FrameResult {
  const result = parseStream(buf);
  if (result.ok) return { kind: 'message', consumed: result.consumed };
  if (result.error.code === 'INCOMPLETE') return { kind: 'incomplete' };
  if (result.error.consumed !== undefined && result.error.consumed > 0) return { kind: 'message', consumed: result.error.consumed };
  return { kind: 'broken', consumed: buf.length };
}
