import { z } from 'zod';
import { NodeBase, NodeId, VarName } from './common.ts';

/**
 * Verifies a card (last 4 digits, variable `card`) and its PIN (secret
 * `pin`). A failure goes to `on.failed` until `maxFailures` in this call,
 * then to `on.exhausted`. Every failure sounds the same to the caller.
 */
export const VerifyNode = z
  .object({
    kind: z.literal('verify'),
    ...NodeBase,
    card: VarName.default('card'),
    pin: VarName.default('pin'),
    maxFailures: z.number().int().min(1).max(10).default(3),
    next: NodeId,
    on: z
      .object({ failed: NodeId, exhausted: NodeId, locked: NodeId, unavailable: NodeId })
      .strict(),
  })
  .strict();
export type VerifyNode = z.infer<typeof VerifyNode>;
