import { z } from 'zod';
import { ListenFields, NodeBase, NodeId, VarName } from './common.ts';

/**
 * Plays a prompt and waits for one key. `*` repeats it and the flow's agent
 * key goes to the agent node, unless an option claims those keys.
 */
export const MenuNode = z
  .object({
    kind: z.literal('menu'),
    ...NodeBase,
    ...ListenFields,
    options: z
      .record(
        z.string().regex(/^[0-9*#]$/, 'option keys are single keys 0-9, * or #'),
        z.object({ next: NodeId, set: z.record(VarName, z.string()).optional() }).strict(),
      )
      .refine((o) => Object.keys(o).length > 0, 'a menu needs at least one option'),
  })
  .strict();
export type MenuNode = z.infer<typeof MenuNode>;
