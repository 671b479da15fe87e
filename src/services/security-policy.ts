import type { ServicesConfig } from './config.ts';
import type { ServiceName, SuspendedBy } from './types.ts';

/** The security modes the services know (the operators context switches them). */
export type SecurityModeName = 'normal' | 'heightened' | 'lockdown';

/**
 * The port through which the line's security mode reaches the services:
 * read on every request, from memory. Declared here, not imported, so the
 * services depend on no one for it; createSecurityModes() (operators)
 * satisfies it, and a test passes `{ current: () => ({ mode }) }`.
 */
export interface SecurityModePort {
  current(): { mode: SecurityModeName };
}

/**
 * What the security mode does to a service, before anything is asked of
 * the bank: undefined when it may run. Lockdown suspends every service;
 * heightened sends the services whose secret would go by SMS to an agent
 * (config.heightenedAgentOnly) and delivers signing keys only by calling the
 * registered mobile back (config.heightenedCallback).
 *
 * @example
 *   suspension('heightened', 'ebanking_recovery', DEFAULT_SERVICES_CONFIG); // 'agent_only'
 *   suspension('heightened', 'signature_unlock', DEFAULT_SERVICES_CONFIG);  // undefined
 */
export function suspension(mode: SecurityModeName, service: ServiceName, config: ServicesConfig): SuspendedBy | undefined {
  switch (mode) {
    case 'normal':
      return undefined;
    case 'lockdown':
      return 'lockdown';
    case 'heightened':
      if (config.heightenedCallback.includes(service)) return 'callback';
      if (config.heightenedAgentOnly.includes(service)) return 'agent_only';
      return undefined;
  }
}
