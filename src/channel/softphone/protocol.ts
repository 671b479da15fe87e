import { z } from 'zod';

/**
 * The softphone's WebSocket protocol (one JSON object per text frame).
 *
 * caller → line:  dial (first, once) · keys · hangup
 * line → caller:  answered · prompt · listen · transfer · hangup · ended (last) · error
 *
 * `ended` always closes the exchange, whoever hung up, and carries the
 * call's single outcome.
 */
export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('dial'), from: z.string().min(1).max(32), to: z.string().min(1).max(32) }),
  z.object({ type: z.literal('keys'), value: z.string().regex(/^[0-9*#A-D]+$/).max(64) }),
  z.object({ type: z.literal('hangup') }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export type ServerMessage =
  | { type: 'answered'; callId: string }
  | { type: 'prompt'; id: string; text: string; params: Record<string, string>; language: string }
  /** `secret` (optional, additive): the keys asked here are a secret (a PIN), so transcripts mask them. */
  | { type: 'listen'; node: string; kind: 'menu' | 'collect'; maxDigits: number; secret?: boolean }
  | { type: 'transfer'; target: string }
  | { type: 'hangup'; by: 'line' }
  | { type: 'ended'; callId: string; outcome: string; language: string }
  | { type: 'error'; code: string; message: string };

/**
 * Codes the line puts in `error` messages (additive). A call the line refuses
 * carries the ClaveError code instead (e.g. "CLOSED"): "AT_CAPACITY" when the
 * line is full and refuses callers outright (CLAVE_AT_CAPACITY=reject), and
 * "DRAINING" when it is stopping; both close the socket with 1013 (try again
 * later). A full line that announces instead answers the call, says the lines
 * are busy, and ends it with the outcome refused_at_capacity.
 *
 * BAD_MESSAGE: not JSON or not one of the client messages (the call goes on).
 * DIAL_FIRST: the first message was not `dial` (the socket closes).
 * DIAL_TIMEOUT: no `dial` arrived in time (the socket closes).
 * ALREADY_DIALED: a second `dial` (ignored, the call goes on).
 * CALL_FAILED: the line failed while taking or running the call (the socket closes).
 */
export type SoftphoneErrorCode = 'BAD_MESSAGE' | 'DIAL_FIRST' | 'DIAL_TIMEOUT' | 'ALREADY_DIALED' | 'CALL_FAILED';
