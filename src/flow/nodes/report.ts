import { z } from 'zod';
import { NodeBase, NodeId, VarName } from './common.ts';

/**
 * Records the caller's "report a problem": the component named by a
 * variable (set by the menu that asked) goes to the outage detector, which
 * compares such reports with their usual rate. Moves on at once.
 */
export const ReportNode = z
  .object({
    kind: z.literal('report'),
    ...NodeBase,
    /** The variable holding the component id, e.g. "problem". */
    component: VarName,
    next: NodeId,
  })
  .strict();
export type ReportNode = z.infer<typeof ReportNode>;
