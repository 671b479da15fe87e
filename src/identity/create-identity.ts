import type { BankCallOptions, BankPort } from '../bank/index.ts';
import type { Clock } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { AttemptLedger } from './attempt-ledger.ts';
import { identify, type IdentifyRequest, type IdentifyResult } from './identify.ts';
import { DEFAULT_LIMITS, limitsUnder, type VerificationLimits } from './limits.ts';
import { verifyCard, type VerificationResult, type VerifyCardRequest } from './verification.ts';

export interface IdentityDeps {
  db: Db;
  bank: BankPort;
  clock: Clock;
  /** Zone PIN key shared with the bank (2-key TDES, 16 bytes). */
  zpk: Buffer;
  limits?: Partial<VerificationLimits>;
  /** Country calling code for national caller IDs, without "+"; "34" by default. */
  defaultCountryCode?: string;
  /** Digits of a national number in that country, when not built in (Spain's 9 is). */
  nationalLength?: number;
  /** The line's security mode (operators' createSecurityModes): outside normal, limits.heightenedMaxFailures applies. */
  securityMode?: { current(): { mode: 'normal' | 'heightened' | 'lockdown' } };
}

export type LockState = { locked: false } | { locked: true; until: Date };

export interface Identity {
  identify(req: IdentifyRequest, opts?: BankCallOptions): Promise<IdentifyResult>;
  verifyCard(req: VerifyCardRequest, opts?: BankCallOptions): Promise<VerificationResult>;
  /** Whether self-service is locked for the customer after too many failed verifications. */
  isLocked(customerId: string): Promise<LockState>;
}

/**
 * The identity context: who is calling, and whether they hold the card.
 *
 * @example
 *   const identity = createIdentity({ db, bank, clock, zpk: keys.zpk });
 *   const who = await identity.identify({ document: { type: 'DNI', number: '12345678Z' }, callerId });
 *   if (who.kind === 'identified') await identity.verifyCard({ customerId: who.customer.id, callId, cardLast4, pin });
 */
export function createIdentity(deps: IdentityDeps): Identity {
  const merged: VerificationLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const limits = deps.securityMode ? limitsUnder(merged, deps.securityMode) : merged;
  const ledger = new AttemptLedger(deps.db, limits);
  const phone = { defaultCountryCode: deps.defaultCountryCode ?? '34', nationalLength: deps.nationalLength };
  const verifier = { bank: deps.bank, clock: deps.clock, ledger, zpk: deps.zpk, minAnswerMs: limits.minAnswerMs };
  return {
    identify: (req, opts) => identify({ bank: deps.bank, clock: deps.clock, ledger, phone }, req, opts),
    verifyCard: (req, opts) => verifyCard(verifier, req, opts),
    async isLocked(customerId) {
      const until = await ledger.lockedUntil(customerId, deps.clock.now());
      return until === null ? { locked: false } : { locked: true, until };
    },
  };
}
