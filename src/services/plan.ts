import type { BankCallOptions, BankPort, Customer } from '../bank/index.ts';
import { randomDigits, randomPassword } from '../crypto/index.ts';
import type { OutboxMessageInput } from '../notify/index.ts';
import { type Clock, Sensitive } from '../shared/index.ts';
import type { ActionPlan } from './action-ledger.ts';
import { ACCESS_CODE_DIGITS, type ServicesConfig, TEMPORARY_PASSWORD_LENGTH, UNLOCK_CODE_DIGITS } from './config.ts';
import type { ActionKind, RefusalOutcome, ServiceRequest, SuccessOutcome } from './types.ts';

export interface PlanDeps {
  bank: BankPort;
  clock: Clock;
  config: ServicesConfig;
}

export type Prepared =
  | { kind: 'refused'; outcome: RefusalOutcome }
  | { kind: 'planned'; plan: ActionPlan; success: SuccessOutcome };

const MINUTE = 60_000;

/**
 * Checks what the service needs (contact details, the operation, no recent
 * SIM swap) and, when all is there, plans the change and its messages:
 * secrets generated here, the user name by e-mail and the secret by SMS,
 * never both on one channel. Changes nothing.
 *
 * @example
 *   await planAction(deps, 'signature_unlock', customer, req); // { kind: 'planned', plan, success: 'signature_unlocked' }
 */
export async function planAction(
  deps: PlanDeps,
  kind: ActionKind,
  customer: Customer,
  req: ServiceRequest,
  opts: BankCallOptions = {},
): Promise<Prepared> {
  const ctx = { deps, customer, req, opts };
  switch (kind) {
    case 'ebanking_recovery':
      return planRecovery(ctx, kind, {
        user: customer.ebanking,
        usernameTemplate: 'ebanking_username',
        secretTemplate: 'ebanking_temporary_password',
        secret: () => randomPassword(TEMPORARY_PASSWORD_LENGTH),
        minutes: deps.config.temporaryPasswordMinutes,
        success: 'ebanking_user_recovered',
      });
    case 'phonebanking_recovery':
      return planRecovery(ctx, kind, {
        user: customer.phonebanking,
        usernameTemplate: 'phonebanking_username',
        secretTemplate: 'phonebanking_access_code',
        secret: () => randomDigits(ACCESS_CODE_DIGITS),
        minutes: deps.config.accessCodeMinutes,
        success: 'phonebanking_user_recovered',
      });
    case 'operation_unlock':
      return planOperationUnlock(ctx);
    case 'signature_unlock':
      return planSignatureUnlock(ctx);
  }
}

interface Ctx {
  deps: PlanDeps;
  customer: Customer;
  req: ServiceRequest;
  opts: BankCallOptions;
}

interface RecoverySpec {
  user: { username: string } | null;
  usernameTemplate: string;
  secretTemplate: string;
  secret: () => string;
  minutes: number;
  success: SuccessOutcome;
}

async function planRecovery(ctx: Ctx, kind: ActionKind, spec: RecoverySpec): Promise<Prepared> {
  const { customer, req } = ctx;
  // Spec: recovery needs an e-mail address and a mobile on file; else nothing is changed.
  if (!customer.email || !customer.mobile) return refused('contact_details_missing');
  // No such user at the bank: nothing the line can recover (an agent can help).
  if (spec.user === null) return refused('service_unavailable');
  if (await simSwapped(ctx, customer.mobile)) return refused('sim_swap_risk');
  const secret = new Sensitive(spec.secret());
  const expiresAt = expiry(ctx, spec.minutes);
  const messages: OutboxMessageInput[] = [
    {
      channel: 'email',
      to: customer.email,
      language: req.language,
      template: spec.usernameTemplate,
      params: { name: customer.name, username: spec.user.username },
    },
    {
      channel: 'sms',
      to: customer.mobile,
      language: req.language,
      template: spec.secretTemplate,
      params: { validMinutes: String(spec.minutes) },
      secret,
      expiresAt,
    },
  ];
  return planned(ctx, kind, { reference: null, secret, secretExpiresAt: expiresAt, messages }, spec.success);
}

async function planOperationUnlock(ctx: Ctx): Promise<Prepared> {
  const { deps, customer, req, opts } = ctx;
  if (!customer.mobile) return refused('contact_details_missing');
  const reference = req.reference;
  if (!reference) return refused('operation_not_found');
  const op = await deps.bank.findOperation({ customerId: customer.id, reference }, opts);
  if (op === null || op.customerId !== customer.id || op.status !== 'blocked') return refused('operation_not_found');
  if (await simSwapped(ctx, customer.mobile)) return refused('sim_swap_risk');
  const minutes = deps.config.unlockCodeMinutes;
  const code = new Sensitive(randomDigits(UNLOCK_CODE_DIGITS));
  const expiresAt = expiry(ctx, minutes);
  const message: OutboxMessageInput = {
    channel: 'sms',
    to: customer.mobile,
    language: req.language,
    template: 'operation_unlock_code',
    params: { reference, validMinutes: String(minutes) },
    secret: code,
    expiresAt,
  };
  return planned(ctx, 'operation_unlock', { reference, secret: code, secretExpiresAt: expiresAt, messages: [message] }, 'operation_unlocked');
}

function planSignatureUnlock(ctx: Ctx): Prepared {
  const { customer, req } = ctx;
  // The notice by SMS tells the customer of the change even if it was not them calling.
  if (!customer.mobile) return refused('contact_details_missing');
  const message: OutboxMessageInput = {
    channel: 'sms',
    to: customer.mobile,
    language: req.language,
    template: 'signature_unlocked',
    params: {},
  };
  return planned(ctx, 'signature_unlock', { reference: null, secret: null, secretExpiresAt: null, messages: [message] }, 'signature_unlocked');
}

/** Spec: before any secret goes by SMS, the bank says whether the mobile's SIM changed recently. */
export async function simSwapped(ctx: { deps: PlanDeps; customer: Customer; opts: BankCallOptions }, mobile: string): Promise<boolean> {
  const answer = await ctx.deps.bank.checkSimSwap(
    { customerId: ctx.customer.id, mobile, withinHours: ctx.deps.config.simSwapWindowHours },
    ctx.opts,
  );
  return answer.swappedRecently;
}

function expiry(ctx: Ctx, minutes: number): Date {
  return new Date(ctx.deps.clock.now() + minutes * MINUTE);
}

function refused(outcome: RefusalOutcome): Prepared {
  return { kind: 'refused', outcome };
}

function planned(
  ctx: Ctx,
  kind: ActionKind,
  parts: Pick<ActionPlan, 'reference' | 'secret' | 'secretExpiresAt' | 'messages'>,
  success: SuccessOutcome,
): Prepared {
  return { kind: 'planned', plan: { kind, customerId: ctx.customer.id, callId: ctx.req.callId, ...parts }, success };
}
