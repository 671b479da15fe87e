import { z } from 'zod';
import { NodeBase } from './common.ts';

/** Continues in another flow, at its start node (the support line's "unlock" option). */
export const GotoFlowNode = z
  .object({
    kind: z.literal('goto_flow'),
    ...NodeBase,
    flow: z.string().min(1),
  })
  .strict();
export type GotoFlowNode = z.infer<typeof GotoFlowNode>;
