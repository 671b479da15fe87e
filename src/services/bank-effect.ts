import type { BankCallOptions, BankPort } from '../bank/index.ts';
import { isClaveError } from '../shared/index.ts';
import type { StartedAction } from './action-ledger.ts';

/** How a bank call for an action ended. */
export type EffectAnswer =
  | { kind: 'confirmed' }
  /** The bank answered no (a ClaveError with a code other than BANK_UNAVAILABLE or STORE_UNAVAILABLE). */
  | { kind: 'refused'; code: string }
  /** No answer: the change may or may not have happened. */
  | { kind: 'unavailable'; code: string };

/**
 * Step 2: asks the bank for the action's change, with the action id as the
 * idempotency key, so a retry after a lost answer changes nothing twice.
 * Anything thrown that is not a ClaveError is a bug and propagates.
 *
 * @example
 *   await performBankEffect(bank, action); // { kind: 'confirmed' }
 */
export async function performBankEffect(bank: BankPort, action: StartedAction, opts: BankCallOptions = {}): Promise<EffectAnswer> {
  try {
    await call(bank, action, opts);
    return { kind: 'confirmed' };
  } catch (err) {
    // The bank's own store failing (the reference bank keeps its data in ours) is no answer either: it may have changed.
    if (isClaveError(err, 'BANK_UNAVAILABLE') || isClaveError(err, 'STORE_UNAVAILABLE')) return { kind: 'unavailable', code: err.code };
    if (isClaveError(err)) return { kind: 'refused', code: err.code };
    throw err;
  }
}

async function call(bank: BankPort, action: StartedAction, opts: BankCallOptions): Promise<void> {
  const idempotencyKey = action.id;
  const { customerId } = action;
  switch (action.kind) {
    case 'ebanking_recovery':
      await bank.resetEbankingUser({ customerId, idempotencyKey, ...secretOf(action) }, opts);
      return;
    case 'phonebanking_recovery':
      await bank.resetPhonebankingUser({ customerId, idempotencyKey, ...secretOf(action) }, opts);
      return;
    case 'operation_unlock': {
      const { secret, expiresAt } = secretOf(action);
      if (action.reference === null) throw new Error(`action ${action.id}: operation unlock without a reference`);
      await bank.setOperationUnlockCode({ customerId, reference: action.reference, code: secret, expiresAt, idempotencyKey }, opts);
      return;
    }
    case 'signature_unlock':
      await bank.unlockSignature({ customerId, idempotencyKey }, opts);
      return;
  }
}

function secretOf(action: StartedAction) {
  if (action.secret === null || action.secretExpiresAt === null) {
    // A row without its secret cannot be repeated faithfully: a bug, never a bank answer.
    throw new Error(`action ${action.id}: ${action.kind} without its secret`);
  }
  return { secret: action.secret, expiresAt: action.secretExpiresAt };
}

