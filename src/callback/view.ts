import { maskNumber } from './mask-number.ts';
import type { CallbackRow } from './queries.ts';
import type { CallbackView } from './types.ts';

/**
 * A stored request as the operations API shows it: the number masked, times
 * as ISO 8601, no lease details (they say which process, not what happened).
 *
 * @example
 *   toView(row).numberMasked; // '+34•••••1222'
 */
export function toView(row: CallbackRow): CallbackView {
  return {
    id: row.id,
    customerId: row.customer_id,
    reference: row.reference,
    numberMasked: maskNumber(row.number),
    language: row.language,
    sourceCallId: row.source_call_id,
    status: row.status,
    attempts: row.attempts,
    lastResult: row.last_result,
    callIds: [...row.call_ids],
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    nextAttemptAt: row.next_attempt_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
