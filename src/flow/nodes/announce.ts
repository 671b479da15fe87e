import { z } from 'zod';
import { NodeBase, NodeId } from './common.ts';

/**
 * Tells the caller what is down before they wait: the line asks the
 * incidents context for the announcement that concerns this call (dialed
 * number, the caller's market, the call's language) and plays it; nothing
 * concerns them, it moves on at once. Any key skips it, and counts as the
 * answer to the menu that follows (type-ahead, as everywhere on the line).
 */
export const AnnounceNode = z
  .object({
    kind: z.literal('announce'),
    ...NodeBase,
    next: NodeId,
  })
  .strict();
export type AnnounceNode = z.infer<typeof AnnounceNode>;
