import { createRequire } from 'node:module';
import type { Server, Socket } from 'node:net';

/**
 * The part of the `smpp` package (farhadi/node-smpp 0.5) this folder uses,
 * typed by hand: the package ships no types. Fields of a PDU are named as
 * in the SMPP specification; their values stay `unknown` until read with
 * the helpers below.
 */
export interface SmppPdu {
  command: string;
  command_id: number;
  command_status: number;
  sequence_number: number;
  isResponse(): boolean;
  response(options?: Record<string, unknown>): SmppPdu;
  /** The PDU's octets (runs the library's encoders). */
  toBuffer(): Buffer;
  readonly [field: string]: unknown;
}

export interface SmppSession {
  readonly socket: Socket;
  /** False when the socket is not writable (nothing was sent). Assigns sequence_number to requests. */
  send(pdu: SmppPdu): boolean;
  close(callback?: () => void): void;
  destroy(callback?: () => void): void;
  on(event: 'pdu', listener: (pdu: SmppPdu) => void): this;
  on(event: 'connect' | 'close', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
}

export interface SmppServer extends Server {
  readonly sessions: SmppSession[];
}

interface SmppModule {
  connect(options: { host: string; port: number }): SmppSession;
  createServer(listener: (session: SmppSession) => void): SmppServer;
  PDU: new (command: string, options?: Record<string, unknown>) => SmppPdu;
}

const require = createRequire(import.meta.url);
export const smpp = require('smpp') as SmppModule;

/** A new request or response PDU; the library fills defaults for fields left out. */
export function makePdu(command: string, fields: Record<string, unknown> = {}): SmppPdu {
  return new smpp.PDU(command, fields);
}

export function pduString(pdu: SmppPdu, field: string): string | undefined {
  const value = pdu[field];
  return typeof value === 'string' ? value : undefined;
}

export function pduNumber(pdu: SmppPdu, field: string): number | undefined {
  const value = pdu[field];
  return typeof value === 'number' ? value : undefined;
}

/**
 * The short_message as text. The library decodes it itself (GSM or UCS-2 by
 * data_coding) into `{ message }`; receipts are ASCII, which both read alike.
 */
export function pduText(pdu: SmppPdu, field = 'short_message'): string {
  const value = pdu[field];
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'message' in value) {
    const message = value.message;
    if (typeof message === 'string') return message;
    if (Buffer.isBuffer(message)) return message.toString('latin1');
  }
  return '';
}
