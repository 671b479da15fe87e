import { z } from 'zod';
import { OUTCOMES } from '../outcomes.ts';

export const NodeId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'node ids are lower_snake_case');
export const VarName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/);
export const OutcomeCode = z.enum(OUTCOMES);

/**
 * A prompt reference: a catalog id, or an id with parameters. A parameter
 * value "$name" reads a variable, "$secret.name" a secret (masked in every
 * record), anything else is literal.
 */
export const PromptRef = z.union([
  z.string().min(1),
  z.object({ id: z.string().min(1), params: z.record(z.string(), z.string()).optional() }).strict(),
]);
export const PromptList = z.union([PromptRef, z.array(PromptRef).min(1)]).transform((p) => (Array.isArray(p) ? p : [p]));

/** Fields every node may carry. */
export const NodeBase = {
  /** Sets the call's outcome on entry, unless an earlier node already did. */
  outcome: OutcomeCode.optional(),
  description: z.string().optional(),
};

/** Fields of nodes that listen for keys (menus and collections). */
export const ListenFields = {
  prompt: PromptList,
  /** Silence after the prompt before it counts as a try (default: flow's noInputMs). */
  noInputMs: z.number().int().min(500).max(60_000).optional(),
  /** Tries (silence or invalid) before onMaxTries (default: flow's tries). */
  tries: z.number().int().min(1).max(10).optional(),
  onMaxTries: NodeId.optional(),
  /** Prompt played before a retry after invalid input. */
  invalidPrompt: PromptList.optional(),
  /** Prompt played before a retry after silence. */
  noInputPrompt: PromptList.optional(),
  /** Keys pressed during the prompt stop it and count (default true). */
  bargeIn: z.boolean().optional(),
};
