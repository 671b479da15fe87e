import type { BankPort } from '../bank/index.ts';
import type { Logger } from '../log/index.ts';
import { ClaveError, type Clock, isClaveError } from '../shared/index.ts';
import type { OutboxChannel } from '../notify/index.ts';
import type { Db } from '../store/index.ts';
import { ActionLedger, type ServicesOutbox } from './action-ledger.ts';
import { DEFAULT_SERVICES_CONFIG, type ServicesConfig } from './config.ts';
import { planAction } from './plan.ts';
import { reconcileActions } from './reconcile.ts';
import { refusalOutcome, runAction } from './run-action.ts';
import { readSigningKey, requestSigningKeyCallback } from './signing-key.ts';
import { type SecurityModePort, suspension } from './security-policy.ts';
import type { CallbackSchedulerPort, ReconcileSummary, RunOptions, ServiceRequest, ServiceResult } from './types.ts';

export interface ServicesDeps {
  db: Db;
  bank: BankPort;
  outbox: ServicesOutbox;
  clock: Clock;
  /** At-rest key (AES-256, 32 bytes) sealing a started action's secret until it is settled. */
  dataKey: Buffer;
  config?: Partial<ServicesConfig>;
  logger?: Logger;
  /** The delivery channels' health: a service whose message cannot go out now is not started. */
  delivery?: { available(channel: OutboxChannel): boolean };
  /** The line's security mode (operators' createSecurityModes); absent: always normal. */
  securityMode?: SecurityModePort;
  /** Call-backs (a SIP trunk is configured); absent: in heightened mode a signing key is for an agent. */
  callbacks?: CallbackSchedulerPort;
}

export interface Services {
  /** Runs one service for an identified, verified customer. BANK_UNAVAILABLE becomes service_unavailable. */
  run(req: ServiceRequest, opts?: RunOptions): Promise<ServiceResult>;
  /** Finishes actions left started by a crash or an unavailable bank. Run it at start and periodically. */
  reconcile(): Promise<ReconcileSummary>;
}

const ACTION_KINDS: readonly string[] = ['ebanking_recovery', 'phonebanking_recovery', 'operation_unlock', 'signature_unlock'];

/**
 * The five services of the line: each checks what it needs, changes the
 * bank and writes its messages to the outbox, with nothing lost and nothing
 * done twice.
 *
 * @example
 *   const services = createServices({ db, bank, outbox, clock, dataKey });
 *   await services.run({ service: 'ebanking_recovery', customerId: 'CUS-0001', callId, language: 'es' });
 *   // { outcome: 'ebanking_user_recovered' }
 */
export function createServices(deps: ServicesDeps): Services {
  const config: ServicesConfig = { ...DEFAULT_SERVICES_CONFIG, ...deps.config };
  const ledger = new ActionLedger({
    db: deps.db,
    outbox: deps.outbox,
    dataKey: deps.dataKey,
    clock: deps.clock,
    leaseMs: config.actionLeaseSeconds * 1000,
  });
  const planDeps = { bank: deps.bank, clock: deps.clock, config };

  async function serve(req: ServiceRequest, opts: RunOptions): Promise<ServiceResult> {
    if (req.service !== 'signing_key' && !ACTION_KINDS.includes(req.service)) {
      throw new ClaveError('INVALID_ARGUMENT', `unknown service '${String(req.service)}'`);
    }
    // Before the bank is asked anything: a suspended service issues no key and changes nothing.
    let suspended = suspension(deps.securityMode?.current().mode ?? 'normal', req.service, config);
    // The call-back itself delivers what the call-back rule asks for.
    if (suspended === 'callback' && req.origin === 'callback') suspended = undefined;
    if (suspended === 'callback' && deps.callbacks) {
      const customer = await deps.bank.getCustomer(req.customerId, opts);
      if (customer === null) throw new ClaveError('CUSTOMER_NOT_FOUND', 'no such customer', { customerId: req.customerId });
      const result = await requestSigningKeyCallback(planDeps, deps.callbacks, customer, req, opts);
      deps.logger?.info({ callId: req.callId, service: req.service, outcome: result.outcome }, 'services: signing key by call-back');
      return result;
    }
    if (suspended) {
      deps.logger?.info({ callId: req.callId, service: req.service, suspended }, 'services: refused by the security mode');
      return { outcome: 'self_service_suspended', suspended };
    }
    const customer = await deps.bank.getCustomer(req.customerId, opts);
    if (customer === null) throw new ClaveError('CUSTOMER_NOT_FOUND', 'no such customer', { customerId: req.customerId });
    if (req.service === 'signing_key') return readSigningKey(planDeps, customer, req, opts);
    const prepared = await planAction(planDeps, req.service, customer, req, opts);
    if (prepared.kind === 'refused') return { outcome: prepared.outcome };
    // Promise nothing the line cannot deliver: the change waits for a call when its messages can go out.
    const down = prepared.plan.messages.map((m) => m.channel).find((channel) => deps.delivery?.available(channel) === false);
    if (down) {
      deps.logger?.warn({ callId: req.callId, service: req.service, channel: down }, 'services: delivery channel down; service not started');
      return { outcome: 'service_unavailable', unavailable: down };
    }
    const answer = await runAction(ledger, deps.bank, prepared.plan, opts);
    switch (answer.kind) {
      case 'confirmed':
        return { outcome: prepared.success };
      case 'refused':
        return { outcome: refusalOutcome(answer.code) };
      case 'unavailable':
        return { outcome: 'service_unavailable', unavailable: 'bank' };
    }
  }

  return {
    async run(req, opts = {}) {
      try {
        return await serve(req, opts);
      } catch (err) {
        if (isClaveError(err, 'BANK_UNAVAILABLE')) return { outcome: 'service_unavailable', unavailable: 'bank' };
        throw err;
      }
    },
    reconcile: () =>
      reconcileActions({
        ledger,
        bank: deps.bank,
        clock: deps.clock,
        abandonAfterMs: config.abandonAfterMinutes * 60_000,
        ...(deps.logger ? { logger: deps.logger } : {}),
      }),
  };
}
