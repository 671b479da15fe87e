import type { Operation } from '../bank/index.ts';
import type { Sensitive } from '../shared/index.ts';

export type ServiceName = 'ebanking_recovery' | 'phonebanking_recovery' | 'operation_unlock' | 'signature_unlock' | 'signing_key';

/** The services that change something at the bank and announce it by message. */
export type ActionKind = Exclude<ServiceName, 'signing_key'>;

export interface ServiceRequest {
  service: ServiceName;
  /** An identified customer whose card was verified. */
  customerId: string;
  callId: string;
  /** The language of the call: messages are written in it. */
  language: string;
  /** The operation reference (operation unlock, signing key). */
  reference?: string;
  /**
   * `callback`: the request comes from the call the line placed to deliver
   * a signing key (the heightened mode's call-back), so the call-back rule
   * does not send it back to a call-back; lockdown still suspends it.
   */
  origin?: 'callback';
}

/** Where the services ask for a call-back (the callback context's queue). */
export interface CallbackSchedulerPort {
  schedule(input: { customerId: string; reference: string; number: string; language: string; sourceCallId: string }): Promise<{ id: string; created: boolean }>;
}

export type SuccessOutcome = 'ebanking_user_recovered' | 'phonebanking_user_recovered' | 'operation_unlocked' | 'signature_unlocked';

export type RefusalOutcome = 'contact_details_missing' | 'sim_swap_risk' | 'operation_not_found' | 'service_unavailable';

/** What was down when a service answered service_unavailable: the bank, or the channel its message needed. */
export type UnavailablePart = 'bank' | 'sms' | 'email';

/**
 * Why a security mode refused a service (outcome self_service_suspended):
 * `lockdown` — self-service is suspended; `agent_only` — heightened: an
 * agent does it, no secret goes by SMS; `callback` — heightened: a signing
 * key is delivered only by calling the registered mobile back.
 */
export type SuspendedBy = 'lockdown' | 'agent_only' | 'callback';

export type ServiceResult =
  | { outcome: SuccessOutcome }
  | { outcome: 'service_unavailable'; unavailable: UnavailablePart }
  | { outcome: 'self_service_suspended'; suspended: SuspendedBy }
  | { outcome: 'signing_key_read'; key: Sensitive<string>; expiresAt: Date; operation: Operation }
  /** Heightened mode: the key will be read on a call to the registered mobile. */
  | { outcome: 'signing_key_callback' }
  | { outcome: RefusalOutcome };

export interface RunOptions {
  /** Aborts the bank calls (hang-up, deadline); the answer is then service_unavailable. */
  signal?: AbortSignal;
}

export interface ReconcileSummary {
  /** Confirmed by the bank: messages released. */
  done: number;
  /** Refused by the bank: messages cancelled. */
  failed: number;
  /** Not confirmed in time: messages cancelled. */
  cancelled: number;
  /** Still unconfirmed; a later reconcile() tries again. */
  pending: number;
}
