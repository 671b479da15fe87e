import type { Clock } from '../../../shared/index.ts';
import type { SipMessage } from '../grammar/message.ts';

export type TransportProtocol = 'udp' | 'tcp';

/** Where a message came from, or goes to. */
export interface Peer {
  protocol: TransportProtocol;
  address: string;
  port: number;
  /** For connection-oriented transports: the connection it arrived on (responses go back on it). */
  connectionId?: string;
}

/**
 * The one thing the transaction layer asks of the network. The Node UDP/TCP
 * transports implement it; tests use an in-memory one.
 */
export interface SipTransport {
  send(data: Buffer, to: Peer): void;
}

export interface Inbound {
  message: SipMessage;
  source: Peer;
}

export function isReliable(peer: Peer): boolean {
  return peer.protocol !== 'udp';
}

/** What the transaction layer gives every transaction it creates. */
export interface TransactionDeps {
  clock: Clock;
  transport: SipTransport;
  /** The transaction reached Terminated: the layer forgets its key. */
  onTerminated: (key: string) => void;
}
