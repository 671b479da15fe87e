import { z } from 'zod';
import { NodeBase, NodeId, PromptList } from './common.ts';

/** Plays prompts, then moves on. Keys pressed meanwhile are kept as type-ahead. */
export const PlayNode = z
  .object({
    kind: z.literal('play'),
    ...NodeBase,
    prompt: PromptList,
    /** A key stops the prompt (and is kept for the next input). Default false. */
    bargeIn: z.boolean().optional(),
    /** Secrets to forget once played (e.g. a signing key). */
    forget: z.array(z.string()).optional(),
    next: NodeId,
  })
  .strict();
export type PlayNode = z.infer<typeof PlayNode>;
