import { z } from 'zod';
import { ClaveError } from '../shared/index.ts';
import type { CallbackRequestInput } from './types.ts';

const Id = z.string().trim().min(1).max(200);

const RequestInput = z.strictObject({
  customerId: Id,
  reference: Id,
  // ITU-T E.164 §6: at most 15 digits, the country code never starting with 0.
  number: z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 number (+ and 7 to 15 digits)'),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'must be a language tag such as "es" or "en"'),
  sourceCallId: Id,
});

/**
 * Checks a call-back request before it is stored; a bad one throws
 * INVALID_ARGUMENT naming the field (never echoing the number).
 *
 * @example
 *   parseRequestInput({ customerId: 'c1', reference: '12345678', number: '+34600111222', language: 'es', sourceCallId: 'call-1' });
 */
export function parseRequestInput(input: CallbackRequestInput): CallbackRequestInput {
  const r = RequestInput.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue?.path.join('.') || '(input)';
  throw new ClaveError('INVALID_ARGUMENT', `call-back request ${field}: ${issue?.message ?? 'invalid'}`, { field });
}
