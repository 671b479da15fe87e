/** Signed outgoing webhooks: a durable, multi-process delivery queue for incident events. */
export {
  createWebhooks, type Webhooks, type WebhooksDeps, type WebhookDeliveryView, type WebhookDeliveryStatus, type WebhookRound,
} from './webhooks.ts';
export { parseWebhooksConfig, WEBHOOK_EVENT_TYPES, type WebhookEndpoint } from './webhook-config.ts';
export { signWebhook, verifyWebhookSignature } from './signature.ts';
export { DEFAULT_WEBHOOK_RETRY, type WebhookRetry } from './backoff.ts';
export { webhookBody, webhookEventId } from './payload.ts';
