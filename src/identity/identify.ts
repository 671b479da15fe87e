import type { BankCallOptions, BankPort, Customer, IdentityDocument } from '../bank/index.ts';
import type { Clock } from '../shared/index.ts';
import type { AttemptLedger } from './attempt-ledger.ts';
import { callerMatches, type PhoneOptions } from './phone.ts';

export interface IdentifyRequest {
  document: IdentityDocument;
  /** The caller ID as the channel received it; null when withheld. */
  callerId: string | null;
}

export type IdentifyResult =
  | { kind: 'identified'; customer: Customer }
  | { kind: 'customer_not_found' }
  | { kind: 'caller_not_registered' }
  | { kind: 'verification_locked'; until: Date };

export interface IdentifierDeps {
  bank: BankPort;
  clock: Clock;
  ledger: AttemptLedger;
  phone: PhoneOptions;
}

/**
 * Finds who is calling: the customer holding the document, provided the call
 * comes from one of their registered phones and self-service is not locked
 * for them. Changes nothing. Bank errors (BANK_UNAVAILABLE) propagate.
 *
 * @example
 *   await identify(deps, { document: { type: 'DNI', number: '12345678Z' }, callerId: '600111222' });
 *   // { kind: 'identified', customer: { id: 'CUS-0001', ... } }
 */
export async function identify(
  deps: IdentifierDeps,
  req: IdentifyRequest,
  opts: BankCallOptions = {},
): Promise<IdentifyResult> {
  const customer = await deps.bank.findCustomerByDocument(req.document, opts);
  if (customer === null) return { kind: 'customer_not_found' };
  if (!callerMatches(req.callerId, customer.phones, deps.phone)) return { kind: 'caller_not_registered' };
  const until = await deps.ledger.lockedUntil(customer.id, deps.clock.now());
  if (until !== null) return { kind: 'verification_locked', until };
  return { kind: 'identified', customer };
}
