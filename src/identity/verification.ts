import type { BankCallOptions, BankPort } from '../bank/index.ts';
import { encryptPinBlock } from '../crypto/index.ts';
import { type Clock, type Sensitive, sleep } from '../shared/index.ts';
import type { AttemptLedger } from './attempt-ledger.ts';

export interface VerifyCardRequest {
  customerId: string;
  callId: string;
  /** Last 4 digits of one of the customer's cards (not a secret). */
  cardLast4: string;
  /** The keyed PIN digits; turned into an encrypted PIN block at once. */
  pin: Sensitive<string>;
}

export type VerificationResult = 'verified' | 'failed' | 'locked';

export interface VerifierDeps {
  bank: BankPort;
  clock: Clock;
  ledger: AttemptLedger;
  /** Zone PIN key shared with the bank (2-key TDES). */
  zpk: Buffer;
  minAnswerMs: number;
}

// ISO 9564-1 §9.3.3: a PIN is 4 to 12 decimal digits.
const PIN_FORMAT = /^\d{4,12}$/;
const LAST4_FORMAT = /^\d{4}$/;

/**
 * Checks a card's last 4 digits and PIN with the bank, within the customer's
 * failure limit. Every answer, whatever was wrong, comes `minAnswerMs` after
 * the start, so its timing tells a caller nothing. Bank errors
 * (BANK_UNAVAILABLE) propagate and the try is given back.
 *
 * @example
 *   await verifyCard(deps, { customerId: 'CUS-0001', callId, cardLast4: '4821', pin: new Sensitive('2580') });
 *   // 'verified'
 */
export async function verifyCard(
  deps: VerifierDeps,
  req: VerifyCardRequest,
  opts: BankCallOptions = {},
): Promise<VerificationResult> {
  const started = deps.clock.now();
  try {
    return await check(deps, req, opts);
  } finally {
    const remaining = started + deps.minAnswerMs - deps.clock.now();
    if (remaining > 0) await sleep(deps.clock, remaining, opts.signal);
  }
}

async function check(deps: VerifierDeps, req: VerifyCardRequest, opts: BankCallOptions): Promise<VerificationResult> {
  // The digits exist in clear only until this line: from here on, only the
  // encrypted block (wiped after the bank's answer) travels. A malformed PIN
  // or card number is a wrong one, counted like any other.
  const wellFormed = PIN_FORMAT.test(req.pin.reveal()) && LAST4_FORMAT.test(req.cardLast4);
  const pinBlock = wellFormed ? encryptPinBlock(req.pin, deps.zpk) : null;
  try {
    const reservation = await deps.ledger.reserve(req.customerId, req.callId, deps.clock.now());
    if (reservation.kind === 'locked') return 'locked';
    let matched = false;
    if (pinBlock !== null) {
      try {
        // Asked outside any transaction: a slow bank must not hold the customer's row.
        matched = await deps.bank.verifyPinBlock({ customerId: req.customerId, cardLast4: req.cardLast4, pinBlock }, opts);
      } catch (err) {
        // The bank never judged this try, so it counts as nothing. Should the
        // store fail too, the pending reservation turns into a failure after
        // its TTL: the safe side.
        await deps.ledger.release(reservation.id).catch(() => undefined);
        throw err;
      }
    }
    return await deps.ledger.settle(req.customerId, reservation.id, matched, deps.clock.now());
  } finally {
    pinBlock?.fill(0);
  }
}
