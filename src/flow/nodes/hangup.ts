import { z } from 'zod';
import { NodeBase, PromptList } from './common.ts';

/** Says its prompt (if any) and ends the call with the outcome set so far, or its own. */
export const HangupNode = z
  .object({
    kind: z.literal('hangup'),
    ...NodeBase,
    prompt: PromptList.optional(),
  })
  .strict();
export type HangupNode = z.infer<typeof HangupNode>;
