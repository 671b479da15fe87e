import type { Operation } from '../bank/index.ts';
import type { ServiceName } from '../flow/index.ts';
import type { Identity } from '../identity/index.ts';
import type { Sensitive } from '../shared/index.ts';

/** What the call layer asks of identity: the identity context as it is. */
export type IdentityPort = Pick<Identity, 'identify' | 'verifyCard'>;

export interface ServiceRequest {
  service: ServiceName;
  customerId: string;
  callId: string;
  language: string;
  reference?: string;
}

export type ServiceAnswer =
  | { outcome: string }
  | { outcome: 'signing_key_read'; key: Sensitive<string>; expiresAt: Date; operation: Operation };

/** What the call layer asks of the services context. */
export interface ServicesPort {
  run(req: ServiceRequest, opts?: { signal?: AbortSignal }): Promise<ServiceAnswer>;
}

/** Where transfers go: flow target name ("agent") → address. Empty when no agent is configured. */
export type AgentDirectory = Readonly<Record<string, string>>;
