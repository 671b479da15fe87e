// The services context's only door: the five services of the line and the reconciliation of their bank changes.
export { createServices, type Services, type ServicesDeps } from './create-services.ts';
export type { ServicesOutbox } from './action-ledger.ts';
export { DEFAULT_SERVICES_CONFIG, type ServicesConfig } from './config.ts';
export type {
  ServiceName, ActionKind, ServiceRequest, ServiceResult, SuccessOutcome, RefusalOutcome, RunOptions, ReconcileSummary, SuspendedBy, CallbackSchedulerPort,
} from './types.ts';
export type { SecurityModePort, SecurityModeName } from './security-policy.ts';
