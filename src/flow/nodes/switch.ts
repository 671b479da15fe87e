import { z } from 'zod';
import { NodeBase, NodeId, VarName } from './common.ts';

/** Goes to the node named for a variable's value, or to `default`. */
export const SwitchNode = z
  .object({
    kind: z.literal('switch'),
    ...NodeBase,
    var: VarName,
    cases: z.record(z.string(), NodeId),
    default: NodeId,
  })
  .strict();
export type SwitchNode = z.infer<typeof SwitchNode>;
