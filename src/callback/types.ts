import type { Logger } from '../log/index.ts';
import type { Clock } from '../shared/index.ts';
import type { Db } from '../store/index.ts';

/** What an inbound call asks for when the signing key must come by call-back (heightened security mode). */
export interface CallbackRequestInput {
  customerId: string;
  /** The operation whose signing key is delivered. */
  reference: string;
  /** The registered mobile, E.164 with its `+`. */
  number: string;
  language: string;
  /** The inbound call that asked for it. */
  sourceCallId: string;
}

/** Why a call-back call was not answered (the UAC's reasons, plus `at_capacity`: the line was full). */
export type NotAnswered =
  | 'busy' | 'no_answer' | 'declined' | 'unreachable' | 'refused' | 'no_media' | 'cancelled' | 'not_configured' | 'at_capacity';

export type DeliveryResult =
  /** The outbound call ended; `outcome` is its outcome code (src/flow/outcomes.ts). */
  | { kind: 'answered'; callId: string; outcome: string }
  | { kind: 'not_answered'; reason: NotAnswered; callId?: string };

/** Places the call and runs the call-back flow on it; resolves when the call is over or could not be placed. */
export interface CallbackDialer {
  deliver(
    req: { requestId: string; customerId: string; reference: string; number: string; language: string; attempt: number },
    signal: AbortSignal,
  ): Promise<DeliveryResult>;
}

export interface CallbackConfig {
  /** Attempts in all, the first included (default 3). */
  maxAttempts: number;
  /** Wait before dialling again after an attempt that did not deliver (default 60 s, plus up to 10 % jitter). */
  retryAfterMs: number;
  /** Wait when the line was full; that attempt is not counted (default 10 s). */
  atCapacityRetryMs: number;
  /** From the request to its expiry: never dialled after it (default 15 min). */
  lifetimeMs: number;
  /** How long a claim is held before another process may take the request over (default 10 min). */
  leaseMs: number;
  /** Deliveries at once in one process (default 4). */
  concurrency: number;
  /**
   * From the request to its first dial (default 10 s): the customer is still on the call that asked for it,
   * hearing the goodbye, and a call placed now would find the phone busy.
   */
  firstAttemptDelayMs: number;
}

export const CALLBACK_STATUSES = ['pending', 'dialing', 'done', 'failed', 'expired'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** A request as operators see it: the number masked, times as ISO 8601. */
export interface CallbackView {
  id: string;
  customerId: string;
  reference: string;
  /** '+34•••••1222': the country prefix and the last 4 digits only. */
  numberMasked: string;
  language: string;
  sourceCallId: string;
  status: CallbackStatus;
  attempts: number;
  /** Why the last attempt did not deliver, or the outbound call's outcome. */
  lastResult: string | null;
  /** The outbound calls placed for it, in order. */
  callIds: string[];
  createdAt: string;
  expiresAt: string;
  nextAttemptAt: string;
  updatedAt: string;
}

export interface Callbacks {
  /** Records a request; one open request per (customer, reference): asking again returns the open one with created=false. */
  schedule(input: CallbackRequestInput): Promise<{ id: string; created: boolean }>;
  /**
   * Expires what is past its lifetime, frees leases of dead processes, claims due requests up to the free concurrency
   * and starts delivering them (does not wait for the calls); returns how many it started. Safe to call often and from
   * several processes on one PostgreSQL.
   */
  tick(): Promise<number>;
  list(opts?: { limit?: number; status?: string }): Promise<CallbackView[]>;
  get(id: string): Promise<CallbackView | null>;
  /** How many requests there are in each status (every status, 0 included). */
  counts(): Promise<Record<CallbackStatus, number>>;
  /** Deliveries in flight in this process. */
  readonly inFlight: number;
  /** Aborts the deliveries in flight (their requests go back to pending, attempt not counted) and waits for them. */
  close(): Promise<void>;
}

export interface CallbacksDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** This process's name in `leased_by`: unique per running process. */
  nodeId: string;
  dialer: CallbackDialer;
  config?: Partial<CallbackConfig>;
}
