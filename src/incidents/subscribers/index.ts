/** Status-alert subscribers: double opt-in, one-click unsubscribe, notices through the outbox. */
export {
  createSubscriptions, CONFIRM_TTL_MS, CONFIRMATION_INTERVAL_MS, MAX_CONFIRMATIONS_PER_DAY,
  type Subscriptions, type SubscriptionsDeps, type SubscribeInput, type SubscribeResult, type ConfirmResult, type UnsubscribeResult,
} from './subscriptions.ts';
export { normaliseAddress, type SubscriptionChannel } from './address.ts';
export { eventKey, eventScope } from './event-key.ts';
