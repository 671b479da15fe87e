import { z } from 'zod';
import { documentProblem } from './documents.ts';

/*
 * The `clave-bank/1` dataset format: demo or test customers for the
 * reference bank. PINs appear in clear only because this is test data; the
 * import keeps a PVV, never the PIN.
 */

// ITU-T E.164 §6.2.1: at most 15 digits; we ask for the leading + and a non-zero country code.
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number (+ and 7 to 15 digits)');

const cardSchema = z.strictObject({
  last4: z.string().regex(/^\d{4}$/, 'must be 4 digits'),
  // ISO 9564-1 §8.1: a PIN is 4 to 12 digits.
  pin: z.string().regex(/^\d{4,12}$/, 'must be 4 to 12 digits'),
  kind: z.enum(['debit', 'credit']),
  status: z.enum(['active', 'blocked', 'expired', 'cancelled']),
});

const userSchema = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9._-]{3,40}$/, 'must be 3 to 40 letters, digits, dots, dashes or underscores'),
  status: z.enum(['active', 'locked', 'password_change_required']),
});

const operationSchema = z.strictObject({
  reference: z.string().regex(/^\d{8}$/, 'must be 8 digits'),
  status: z.enum(['blocked', 'pending_signature', 'unlocked', 'signed', 'cancelled']),
  kind: z.string().regex(/^[a-z_]{1,40}$/, 'must be a lower-case word (a-z and _)'),
  amount: z.string().regex(/^\d{1,12}\.\d{2}$/, 'must be a decimal with 2 decimals, e.g. "1500.00"'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code, e.g. "EUR"'),
  payee: z.string().min(1, 'must not be empty').max(120, 'must be at most 120 characters'),
});

export const customerSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, dashes or underscores'),
    name: z.string().min(1, 'must not be empty'),
    document: z.strictObject({
      type: z.enum(['DNI', 'NIE', 'CIF', 'PASSPORT']),
      number: z.string(),
    }),
    phones: z.array(e164).min(1, 'must hold at least one phone'),
    mobile: e164.nullable(),
    mobileSimChangedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time or null' }).nullable(),
    email: z.email('must be an e-mail address').nullable(),
    language: z.string().regex(/^[a-z]{2,3}$/, 'must be a BCP 47 primary language, e.g. "es"'),
    cards: z.array(cardSchema),
    ebanking: userSchema.nullable(),
    phonebanking: userSchema.nullable(),
    signature: z.strictObject({ status: z.enum(['active', 'blocked']) }),
    operations: z.array(operationSchema),
  })
  .superRefine((c, ctx) => {
    const problem = documentProblem(c.document.type, c.document.number);
    if (problem) ctx.addIssue({ code: 'custom', path: ['document', 'number'], message: problem });
    const seen = new Set<string>();
    c.cards.forEach((card, i) => {
      if (seen.has(card.last4)) {
        ctx.addIssue({ code: 'custom', path: ['cards', i, 'last4'], message: 'another card of this customer ends in the same 4 digits' });
      }
      seen.add(card.last4);
    });
  });

export const datasetSchema = z.strictObject({
  format: z.literal('clave-bank/1', { error: 'must be "clave-bank/1"' }),
  description: z.string().optional(),
  customers: z.array(z.unknown()),
});

export type DatasetCustomer = z.infer<typeof customerSchema>;
