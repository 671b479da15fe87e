import { z } from 'zod';
import { SERVICES } from '../outcomes.ts';
import { NodeBase, NodeId, OutcomeCode, VarName } from './common.ts';

/**
 * Runs one of the five services for the verified customer. `service` is a
 * service name or "$var". Each outcome the service can give maps to a node;
 * `default` catches the rest. A successful service sets the call's outcome
 * at once, so a caller hanging up during the goodbye keeps it.
 */
export const ActionNode = z
  .object({
    kind: z.literal('action'),
    ...NodeBase,
    service: z.union([z.enum(SERVICES), z.string().regex(/^\$[a-zA-Z][a-zA-Z0-9_]*$/)]),
    reference: VarName.optional(),
    on: z.partialRecord(OutcomeCode, NodeId),
    default: NodeId,
  })
  .strict();
export type ActionNode = z.infer<typeof ActionNode>;
