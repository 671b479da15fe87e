import type { ServiceName } from './types.ts';

/** Lifetimes and limits of the services (spec: "The five services"), all configurable. */
export interface ServicesConfig {
  /** How far back a SIM change counts as a swap (spec: 240 hours). */
  simSwapWindowHours: number;
  temporaryPasswordMinutes: number;
  /** Phone-banking temporary access code. */
  accessCodeMinutes: number;
  /** Code that releases a blocked operation in e-banking. */
  unlockCodeMinutes: number;
  signingKeyMinutes: number;
  /**
   * How long a process working on an action keeps it from reconcile(); longer
   * than any bank call can take.
   */
  actionLeaseSeconds: number;
  /**
   * A started action without a secret (a signature unlock) that the bank has
   * not confirmed after this long is given up and its message cancelled. One
   * with a secret is tried until the secret expires: the bank may have made
   * the change, and the customer must not be left without its message.
   */
  abandonAfterMinutes: number;
  /** In the heightened security mode, these services go to an agent: no temporary password or code by SMS. */
  heightenedAgentOnly: readonly ServiceName[];
  /** In the heightened security mode, these deliver only by calling the customer back on the registered mobile. */
  heightenedCallback: readonly ServiceName[];
}

export const DEFAULT_SERVICES_CONFIG: Readonly<ServicesConfig> = {
  simSwapWindowHours: 240,
  temporaryPasswordMinutes: 60,
  accessCodeMinutes: 60,
  unlockCodeMinutes: 15,
  signingKeyMinutes: 5,
  actionLeaseSeconds: 60,
  abandonAfterMinutes: 10,
  heightenedAgentOnly: ['ebanking_recovery', 'phonebanking_recovery'],
  heightenedCallback: ['signing_key'],
};

/** Lengths of the secrets generated here. */
export const TEMPORARY_PASSWORD_LENGTH = 10;
export const ACCESS_CODE_DIGITS = 6;
export const UNLOCK_CODE_DIGITS = 8;
