import type { Config } from './config/index.ts';
import type { Logger } from './log/index.ts';
import {
  createHttpSmsChannel, createSmppChannel, createSmtpChannel, DevMailbox, parseHttpSmsConfig, parseSmppUrl,
  type DeliveryChannel, type DeliveryReceipt, type HttpSmsChannel, type OutboxChannel,
} from './notify/index.ts';
import { ClaveError, type Clock } from './shared/index.ts';

export interface DeliveryChannels {
  channels: Record<OutboxChannel, DeliveryChannel>;
  /** Present while some channel still goes to the development mailbox. */
  devMailbox: DevMailbox | undefined;
  /** Checks an HTTP SMS provider's status callback; present only with CLAVE_SMS_HTTP_CONFIG. */
  smsStatusCallback: ((rawBody: Buffer, headers: Record<string, string | string[] | undefined>) => { ok: true; receipts: DeliveryReceipt[] } | { ok: false; reason: string }) | undefined;
  close(): Promise<void>;
}

/**
 * The delivery channels the configuration names: e-mail over SMTP when
 * CLAVE_SMTP_URL is set, SMS over SMPP (CLAVE_SMPP_URL) or an HTTP provider
 * (CLAVE_SMS_HTTP_CONFIG); whatever is not configured goes to the
 * development mailbox, unless CLAVE_DEV_MAILBOX=off, which then is a
 * configuration error rather than messages that silently go nowhere.
 *
 * @example
 *   const delivery = createDeliveryChannels(config, { clock, logger });
 *   createOutboxWorker({ ..., channels: delivery.channels });
 */
export function createDeliveryChannels(config: Config, deps: { clock: Clock; logger: Logger }): DeliveryChannels {
  const needsMailbox = !config.smtpUrl || (!config.smppUrl && !config.smsHttpConfig);
  if (needsMailbox && !config.devMailbox) {
    const missing = !config.smtpUrl ? 'CLAVE_SMTP_URL' : 'CLAVE_SMPP_URL or CLAVE_SMS_HTTP_CONFIG';
    throw new ClaveError('INVALID_CONFIG', `CLAVE_DEV_MAILBOX=off needs ${missing}`, { variable: 'CLAVE_DEV_MAILBOX' });
  }
  const devMailbox = needsMailbox ? new DevMailbox({ clock: deps.clock }) : undefined;
  let email: DeliveryChannel = devMailbox!;
  if (config.smtpUrl) {
    const smtp = createSmtpChannel({ url: config.smtpUrl, ...smtpFrom(config.smtpFrom), clock: deps.clock });
    // A wrong password or an unreachable relay shows in the log at start, not at the first customer's message.
    smtp.verify().then(
      () => deps.logger.info('SMTP relay reachable and accepting our login'),
      (err: unknown) => deps.logger.error({ error: err instanceof Error ? err.message : String(err) }, 'SMTP relay check failed; e-mails will be retried'),
    );
    email = smtp;
  }
  let httpSms: HttpSmsChannel | undefined;
  let sms: DeliveryChannel;
  if (config.smppUrl) {
    sms = createSmppChannel({ ...parseSmppUrl(config.smppUrl), clock: deps.clock, logger: deps.logger });
  } else if (config.smsHttpConfig) {
    const provider = createHttpSmsChannel({ ...parseHttpSmsConfig(config.smsHttpConfig), clock: deps.clock });
    httpSms = provider;
    // Its receipts arrive only through the status-callback route, which records them before
    // answering the provider; the worker must not record each a second time as a listener.
    sms = { provider: provider.provider, deliver: (msg) => provider.deliver(msg), close: () => provider.close() };
  } else sms = devMailbox!;
  deps.logger.info({ sms: sms.provider, email: email.provider }, 'delivery channels');
  return {
    channels: { sms, email },
    devMailbox,
    smsStatusCallback: httpSms ? (body, headers) => httpSms.handleStatusCallback(body, headers) : undefined,
    async close() {
      await Promise.allSettled([sms.close?.(), email.close?.()]);
    },
  };
}

/**
 * CLAVE_SMTP_FROM as `Name <address>` or a bare address; the Message-ID's
 * domain is the address's.
 *
 * @example smtpFrom('Banco Demo <no-reply@bank.example>') // { from: { name: 'Banco Demo', address: 'no-reply@bank.example' }, messageIdDomain: 'bank.example' }
 */
export function smtpFrom(value: string): { from: { address: string; name?: string }; messageIdDomain: string } {
  const m = /^\s*(?:"?([^"<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>|([^<>\s]+@[^<>\s]+))\s*$/.exec(value);
  const address = m?.[2] ?? m?.[3];
  if (!m || !address) throw new ClaveError('INVALID_CONFIG', 'CLAVE_SMTP_FROM: expected "Name <address>" or an address', { variable: 'CLAVE_SMTP_FROM' });
  const name = m[1]?.trim();
  return { from: name ? { address, name } : { address }, messageIdDomain: address.slice(address.lastIndexOf('@') + 1) };
}
