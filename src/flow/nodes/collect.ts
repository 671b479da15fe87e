import { z } from 'zod';
import { ListenFields, NodeBase, NodeId, VarName } from './common.ts';

/**
 * Gathers digits into a variable. Fixed length (minLength = maxLength) ends
 * on the last digit; variable length ends on the terminator or after
 * interDigitMs of silence following a digit.
 */
export const CollectNode = z
  .object({
    kind: z.literal('collect'),
    ...NodeBase,
    ...ListenFields,
    into: VarName,
    minLength: z.number().int().min(1).max(32),
    maxLength: z.number().int().min(1).max(32),
    terminator: z.literal('#').optional(),
    interDigitMs: z.number().int().min(500).max(30_000).optional(),
    /** Keys accepted, e.g. "012"; others make the input invalid. Default: 0-9. */
    allowed: z.string().regex(/^[0-9]+$/).optional(),
    /** Kept as a secret (PIN): never in vars, masked in records. */
    secret: z.boolean().optional(),
    next: NodeId,
  })
  .strict()
  .refine((n) => n.minLength <= n.maxLength, { message: 'minLength must not exceed maxLength', path: ['minLength'] });
export type CollectNode = z.infer<typeof CollectNode>;
