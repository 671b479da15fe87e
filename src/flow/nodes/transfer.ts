import { z } from 'zod';
import { NodeBase, NodeId, PromptList } from './common.ts';

/**
 * Blind transfer to an agent. `target` names an entry of the deployment's
 * agent map ("agent" by default). Sets transferred_to_agent unless an
 * earlier node set the outcome. Refused or impossible transfers go on to
 * the named nodes, never to a dead line.
 */
export const TransferNode = z
  .object({
    kind: z.literal('transfer'),
    ...NodeBase,
    prompt: PromptList.optional(),
    target: z.string().min(1).default('agent'),
    on: z.object({ refused: NodeId, unavailable: NodeId }).strict(),
  })
  .strict();
export type TransferNode = z.infer<typeof TransferNode>;
