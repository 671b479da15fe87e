import type { BankPort } from '../bank/index.ts';
import type { Logger } from '../log/index.ts';
import type { Clock } from '../shared/index.ts';
import type { ActionLedger, StartedAction } from './action-ledger.ts';
import { performBankEffect } from './bank-effect.ts';
import type { ReconcileSummary } from './types.ts';

export interface ReconcileDeps {
  ledger: ActionLedger;
  bank: BankPort;
  clock: Clock;
  abandonAfterMs: number;
  logger?: Logger;
}

const BATCH = 100;

/**
 * Finishes actions a crash or an unavailable bank left started: repeats the
 * bank call with the same idempotency key and the same secret; confirmed →
 * messages released, refused → cancelled; the secret expired meanwhile →
 * cancelled, so a secret never arrives late. While its secret is valid an
 * unconfirmed change is tried again and again; one without a secret (a
 * signature unlock) is given up after `abandonAfterMs`. Actions another process is working on are skipped.
 *
 * @example
 *   await reconcileActions({ ledger, bank, clock, abandonAfterMs: 600_000 });
 *   // { done: 1, failed: 0, cancelled: 0, pending: 0 }
 */
export async function reconcileActions(deps: ReconcileDeps): Promise<ReconcileSummary> {
  const summary: ReconcileSummary = { done: 0, failed: 0, cancelled: 0, pending: 0 };
  const seen = new Set<string>();
  for (;;) {
    const ids = (await deps.ledger.claimable(BATCH)).filter((id) => !seen.has(id));
    if (ids.length === 0) return summary;
    for (const id of ids) {
      seen.add(id);
      try {
        const action = await deps.ledger.claim(id);
        if (action !== null) summary[await reconcileOne(deps, action)]++;
      } catch (err) {
        summary.pending++;
        deps.logger?.error({ err, actionId: id }, 'could not reconcile a services action');
      }
    }
  }
}

async function reconcileOne(deps: ReconcileDeps, action: StartedAction): Promise<keyof ReconcileSummary> {
  const { ledger } = deps;
  if (action.secretExpiresAt !== null && action.secretExpiresAt.getTime() <= deps.clock.now()) {
    await ledger.abandon(action.id, 'the secret expired before the bank confirmed the change');
    return 'cancelled';
  }
  const answer = await performBankEffect(deps.bank, action);
  switch (answer.kind) {
    case 'confirmed':
      await ledger.complete(action.id);
      return 'done';
    case 'refused':
      await ledger.fail(action.id, answer.code);
      return 'failed';
    case 'unavailable':
      // A change with a secret is never given up while the secret is valid: the bank may have made it, and cancelling
      // its message would leave the customer with a credential changed and never told. It ends when the bank answers,
      // or when the secret expires (above: then no usable credential is left without its message).
      if (action.secretExpiresAt === null && deps.clock.now() - action.createdAt.getTime() >= deps.abandonAfterMs) {
        await ledger.abandon(action.id, 'the bank did not confirm the change in time');
        deps.logger?.error({ actionId: action.id, kind: action.kind }, 'gave up on a change the bank never confirmed: its message is cancelled; check the customer at the bank');
        return 'cancelled';
      }
      await ledger.unconfirmed(action.id, answer.code, { freeNow: false });
      return 'pending';
  }
}
