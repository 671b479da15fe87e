import type { RawData } from 'ws';
import { z } from 'zod';
import { ClientMessage, type ServerMessage } from './protocol.ts';

/** Larger frames are refused before parsing: no protocol message comes near it. */
export const MAX_FRAME_BYTES = 4096;

export type Parsed<T> = { ok: true; msg: T } | { ok: false; message: string };

/**
 * Parses one caller → line frame. Failure messages name the offending fields
 * but never echo values: a `keys` frame may carry PIN digits.
 *
 * @example
 *   parseClientMessage('{"type":"keys","value":"12"}'); // { ok: true, msg: { type: 'keys', value: '12' } }
 *   parseClientMessage('{"type":"ring"}').ok;           // false
 */
export function parseClientMessage(text: string): Parsed<ClientMessage> {
  return parseWith(ClientMessage, text);
}

const params = z.record(z.string(), z.string());
const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('answered'), callId: z.string() }),
  z.object({ type: z.literal('prompt'), id: z.string(), text: z.string(), params, language: z.string() }),
  z.object({
    type: z.literal('listen'),
    node: z.string(),
    kind: z.enum(['menu', 'collect']),
    maxDigits: z.number().int().min(0),
    secret: z.boolean().optional(),
  }),
  z.object({ type: z.literal('transfer'), target: z.string() }),
  z.object({ type: z.literal('hangup'), by: z.literal('line') }),
  z.object({ type: z.literal('ended'), callId: z.string(), outcome: z.string(), language: z.string() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
// Fails to compile when protocol.ts's ServerMessage and this schema drift apart.
const _sameShape: z.ZodType<ServerMessage> = ServerMessageSchema;
const _sameShapeBack: (m: z.infer<typeof ServerMessageSchema>) => ServerMessage = (m) => m;

/**
 * Parses one line → caller frame (the client's side of the protocol).
 *
 * @example
 *   parseServerMessage('{"type":"answered","callId":"c1"}'); // { ok: true, msg: { type: 'answered', callId: 'c1' } }
 */
export function parseServerMessage(text: string): Parsed<ServerMessage> {
  return parseWith(ServerMessageSchema, text);
}

function parseWith<T>(schema: z.ZodType<T>, text: string): Parsed<T> {
  if (Buffer.byteLength(text) > MAX_FRAME_BYTES) return { ok: false, message: `message longer than ${MAX_FRAME_BYTES} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: 'message is not JSON' };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, msg: result.data };
  const issues = result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'message'}: ${i.message}`);
  return { ok: false, message: `invalid message (${issues.join('; ')})` };
}

/** The text of a ws frame, whichever buffer shape ws delivered it in. */
export function frameText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
