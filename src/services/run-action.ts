import type { BankCallOptions, BankPort } from '../bank/index.ts';
import type { ActionLedger, ActionPlan } from './action-ledger.ts';
import { type EffectAnswer, performBankEffect } from './bank-effect.ts';
import type { RefusalOutcome } from './types.ts';

/**
 * The three steps that make a bank change and its messages happen together,
 * with nothing lost and nothing done twice, though the bank cannot share our
 * transaction: (1) the action and its held messages in one transaction;
 * (2) the bank call, keyed by the action id; (3) in one transaction, the
 * action settled and its messages released or cancelled. When the bank
 * cannot answer, the action stays started for reconcile().
 *
 * @example
 *   const answer = await runAction(ledger, bank, plan); // { kind: 'confirmed' }
 */
export async function runAction(ledger: ActionLedger, bank: BankPort, plan: ActionPlan, opts: BankCallOptions = {}): Promise<EffectAnswer> {
  const action = await ledger.start(plan);
  let answer: EffectAnswer;
  try {
    answer = await performBankEffect(bank, action, opts);
  } catch (err) {
    // A bug, not a bank answer: leave the action to reconcile(), which repeats the same request.
    await ledger.unconfirmed(action.id, 'UNEXPECTED', { freeNow: true }).catch(() => undefined);
    throw err;
  }
  switch (answer.kind) {
    case 'confirmed':
      await ledger.complete(action.id);
      break;
    case 'refused':
      await ledger.fail(action.id, answer.code);
      break;
    case 'unavailable':
      await ledger.unconfirmed(action.id, answer.code, { freeNow: true });
      break;
  }
  return answer;
}

/** What the caller hears when the bank refused the change. */
export function refusalOutcome(code: string): RefusalOutcome {
  // The operation was signed, cancelled or released between the look-up and the change.
  if (code === 'OPERATION_NOT_FOUND' || code === 'OPERATION_NOT_ELIGIBLE') return 'operation_not_found';
  return 'service_unavailable';
}
