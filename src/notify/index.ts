/** Notify: the transactional outbox, its delivery worker, message templates and the development mailbox. */
export type {
  Outbox, OutboxChannel, OutboxMessageInput, OutboxRecord, OutboxListQuery, DeliveryChannel, DeliveryMessage,
} from './types.ts';
export { type OutboxStatus, OUTBOX_STATUSES, canTransition, isFinal } from './status.ts';
export { createOutbox, type NotifyOutbox } from './outbox.ts';
export { createOutboxWorker, type OutboxWorker, type OutboxWorkerOptions } from './worker.ts';
export { type RetryPolicy, DEFAULT_RETRY } from './retry-policy.ts';
export { DevMailbox, type MailboxEntry } from './dev-mailbox.ts';
export { renderTemplate, LANGUAGES, FALLBACK_LANGUAGE, type RenderedTemplate } from './templates.ts';
export { TEMPLATE_SPECS, type TemplateId, type MessageText, type LanguageCatalog } from './templates/catalog.ts';
export { SECRET_MASK } from './render.ts';
export type {
  DeliveryResult, DeliveryReceipt, ChannelConnectionState, DeliveryAttemptView, DeliveryReceiptView,
} from './types.ts';
export { createChannelHealth, type ChannelHealth, type ChannelHealthOptions, type ChannelStatus } from './channel-health.ts';
export { createDeliveryMetrics, NO_METRICS, type DeliveryMetrics } from './delivery-metrics.ts';
export * from './smtp/index.ts';
export * from './smpp/index.ts';
export * from './http-sms/index.ts';
