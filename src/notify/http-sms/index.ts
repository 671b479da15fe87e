/** SMS through a configurable HTTP provider: JSON or form body template, Idempotency-Key, signed status callbacks. */
export {
  createHttpSmsChannel,
  type HttpSmsChannel,
  type HttpSmsChannelOptions,
  type HttpSmsCallbackOptions,
  type StatusCallbackResult,
} from './http-sms-channel.ts';
export { parseHttpSmsConfig, HttpSmsConfigSchema } from './http-sms-config.ts';
export { fillBodyTemplate, PLACEHOLDERS, type JsonValue } from './body-template.ts';
export { verifyCallbackSignature, type CallbackSignatureOptions, type HeaderBag } from './callback-signature.ts';
