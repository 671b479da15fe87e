import { z } from 'zod';
import { NodeBase, NodeId, VarName } from './common.ts';

/**
 * Finds the customer by the document keyed (variables docType, docDigits and,
 * for an NIE, niePrefix) and checks the caller ID against the registered
 * phones and the self-service lock. Changes nothing.
 */
export const IdentifyNode = z
  .object({
    kind: z.literal('identify'),
    ...NodeBase,
    documentType: VarName.default('docType'),
    digits: VarName.default('docDigits'),
    niePrefix: VarName.default('niePrefix'),
    next: NodeId,
    on: z
      .object({
        customer_not_found: NodeId,
        caller_not_registered: NodeId,
        verification_locked: NodeId,
        unavailable: NodeId,
      })
      .strict(),
  })
  .strict();
export type IdentifyNode = z.infer<typeof IdentifyNode>;
