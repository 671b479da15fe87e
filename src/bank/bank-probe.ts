import type { BankPort } from './port.ts';

/** A customer id no bank holds: the probe's answer is null, and only whether it came matters. */
export const PROBE_CUSTOMER_ID = 'clave-health-probe';

/**
 * The health probe: `getCustomer` of one configured id, on the bank beneath
 * the resilient wrapper. It is chosen over a dedicated health call because
 * every BankPort adapter already has it, it changes nothing, and it takes
 * the same path (connection, authentication, core lookup) as a caller's
 * identification; "not found" (null) is an answer like any other, so the id
 * need not exist. Only BANK_UNAVAILABLE (or no answer by the deadline)
 * counts as down.
 *
 * @example
 *   createResilientBank(drillable.bank, { clock, healthCheck: { everyMs: 5000, probe: bankProbe(drillable.bank) } });
 */
export function bankProbe(bank: BankPort, customerId: string = PROBE_CUSTOMER_ID): (opts: { signal: AbortSignal }) => Promise<void> {
  return async (opts) => {
    await bank.getCustomer(customerId, opts);
  };
}
