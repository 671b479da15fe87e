import { randomUUID } from 'node:crypto';
import type { BankCallOptions, Customer } from '../bank/index.ts';
import { isClaveError } from '../shared/index.ts';
import { type PlanDeps, simSwapped } from './plan.ts';
import type { CallbackSchedulerPort, ServiceRequest, ServiceResult } from './types.ts';

const MINUTE = 60_000;

/**
 * Issues the one-time key bound to an operation pending signature, for the
 * line to read out with the operation's amount and payee. Nothing goes to
 * the outbox. A lost answer needs no reconciling: the bank keeps only the
 * key's hash, and the key dies within minutes.
 *
 * The SIM-swap check applies here too when a mobile is on file: the key
 * authorises a payment, and a flow may deliver it by calling that mobile.
 *
 * @example
 *   await readSigningKey(deps, customer, { service: 'signing_key', reference: '55102938', ... });
 *   // { outcome: 'signing_key_read', key, expiresAt, operation: { amount: '320.00', ... } }
 */
export async function readSigningKey(
  deps: PlanDeps,
  customer: Customer,
  req: ServiceRequest,
  opts: BankCallOptions = {},
): Promise<ServiceResult> {
  const reference = req.reference;
  if (!reference || !(await pendingSignature(deps, customer, reference, opts))) return { outcome: 'operation_not_found' };
  if (customer.mobile && (await simSwapped({ deps, customer, opts }, customer.mobile))) return { outcome: 'sim_swap_risk' };
  try {
    const issued = await deps.bank.issueSigningKey(
      { customerId: customer.id, reference, lifetimeMs: deps.config.signingKeyMinutes * MINUTE, idempotencyKey: randomUUID() },
      opts,
    );
    return { outcome: 'signing_key_read', key: issued.key, expiresAt: issued.expiresAt, operation: issued.operation };
  } catch (err) {
    // The operation changed between the look-up and the issue (signed or cancelled meanwhile).
    if (isClaveError(err, 'OPERATION_NOT_FOUND') || isClaveError(err, 'OPERATION_NOT_ELIGIBLE')) {
      return { outcome: 'operation_not_found' };
    }
    throw err;
  }
}

/**
 * The signing key by call-back (the heightened security mode): the same
 * checks as reading it, and a registered mobile to call, then a call-back
 * request for the line to dial. No key is issued now: it is issued when the
 * customer answers the call-back and asks for it, so none waits anywhere.
 *
 * @example
 *   await requestSigningKeyCallback(deps, callbacks, customer, { service: 'signing_key', reference: '55102938', ... });
 *   // { outcome: 'signing_key_callback' }
 */
export async function requestSigningKeyCallback(
  deps: PlanDeps,
  callbacks: CallbackSchedulerPort,
  customer: Customer,
  req: ServiceRequest,
  opts: BankCallOptions = {},
): Promise<ServiceResult> {
  const reference = req.reference;
  if (!reference || !(await pendingSignature(deps, customer, reference, opts))) return { outcome: 'operation_not_found' };
  if (!customer.mobile) return { outcome: 'contact_details_missing' };
  if (await simSwapped({ deps, customer, opts }, customer.mobile)) return { outcome: 'sim_swap_risk' };
  await callbacks.schedule({ customerId: customer.id, reference, number: customer.mobile, language: req.language, sourceCallId: req.callId });
  return { outcome: 'signing_key_callback' };
}

async function pendingSignature(deps: PlanDeps, customer: Customer, reference: string, opts: BankCallOptions): Promise<boolean> {
  const op = await deps.bank.findOperation({ customerId: customer.id, reference }, opts);
  return op !== null && op.customerId === customer.id && op.status === 'pending_signature';
}
