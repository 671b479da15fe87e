import { z } from 'zod';
import { NodeBase, NodeId } from './common.ts';

/**
 * Tells the caller what is down before they wait: the line asks the
 * incidents context for the announcement that concerns this call (dialed
 * number, the caller's market, the call's language) and plays it; nothing
 * concerns them, it moves on at once. Any key skips it (the key is the
 * skip, not an answer to the next menu).
 */
export const AnnounceNode = z
  .object({
    kind: z.literal('announce'),
    ...NodeBase,
    next: NodeId,
  })
  .strict();
export type AnnounceNode = z.infer<typeof AnnounceNode>;
