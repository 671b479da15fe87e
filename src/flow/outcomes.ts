/** The outcome codes of the spec: every call ends with exactly one. */
export const OUTCOMES = [
  'ebanking_user_recovered',
  'phonebanking_user_recovered',
  'operation_unlocked',
  'signature_unlocked',
  'signing_key_read',
  // Heightened security mode: the key will be read on a call to the registered mobile (issue 6; not in the spec's list).
  'signing_key_callback',
  'transferred_to_agent',
  'caller_not_registered',
  'customer_not_found',
  'contact_details_missing',
  'verification_failed',
  'verification_locked',
  'sim_swap_risk',
  'operation_not_found',
  'no_input',
  'caller_hung_up',
  'service_unavailable',
  'self_service_suspended',
  'refused_at_capacity',
] as const;

export type Outcome = (typeof OUTCOMES)[number];

export function isOutcome(value: string): value is Outcome {
  return (OUTCOMES as readonly string[]).includes(value);
}

/** Services a flow's action node can run (the five of the spec). */
export const SERVICES = ['ebanking_recovery', 'phonebanking_recovery', 'operation_unlock', 'signature_unlock', 'signing_key'] as const;
export type ServiceName = (typeof SERVICES)[number];

const SUCCESS: readonly Outcome[] = [
  'ebanking_user_recovered', 'phonebanking_user_recovered', 'operation_unlocked', 'signature_unlocked', 'signing_key_read', 'signing_key_callback',
];

/** The outcomes where a service did its job. */
export function isSuccess(outcome: Outcome): boolean {
  return SUCCESS.includes(outcome);
}
