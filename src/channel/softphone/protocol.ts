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
  | { type: 'listen'; node: string; kind: 'menu' | 'collect'; maxDigits: number }
  | { type: 'transfer'; target: string }
  | { type: 'hangup'; by: 'line' }
  | { type: 'ended'; callId: string; outcome: string; language: string }
  | { type: 'error'; code: string; message: string };
