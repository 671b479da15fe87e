/** Call-backs: the durable queue of outbound calls that deliver a signing key in the heightened security mode (issue 6). */
export type {
  CallbackRequestInput, NotAnswered, DeliveryResult, CallbackDialer, CallbackConfig, CallbackView, Callbacks, CallbacksDeps, CallbackStatus,
} from './types.ts';
export { CALLBACK_STATUSES } from './types.ts';
export { createCallbacks } from './create-callbacks.ts';
export { DEFAULT_CALLBACK_CONFIG } from './config.ts';
export { DELIVERED_OUTCOME, FINAL_OUTCOMES } from './result-policy.ts';
export { maskNumber } from './mask-number.ts';
export { callbacksApi } from './callbacks-api.ts';
