import nodemailer from 'nodemailer';
import type { SMTPTransportOptions, SMTPPoolOptions, SMTPSentMessageInfo, Transporter } from 'nodemailer';
import { ClaveError, systemClock, type Clock } from '../../shared/index.ts';
import type { ChannelConnectionState, DeliveryChannel, DeliveryMessage, DeliveryResult } from '../types.ts';
import { languageTag, renderHtmlBody } from './html-layout.ts';
import { mapSmtpError } from './smtp-errors.ts';
import { parseSmtpUrl, type SmtpUrlSettings } from './smtp-url.ts';

export interface SmtpChannelOptions {
  /** `CLAVE_SMTP_URL` (see parseSmtpUrl), or its parsed form. */
  url: string | SmtpUrlSettings;
  /** The From header and envelope sender, e.g. `{ address: 'no-reply@bank.example', name: 'Banco Ejemplo' }`. */
  from: { address: string; name?: string };
  /** Right-hand side of every Message-ID (`<{outbox id}@{messageIdDomain}>`), e.g. 'clave.bank.example'. */
  messageIdDomain: string;
  /** Extra trust for the relay's certificate: a PEM CA (a private CA or a self-signed relay). */
  tls?: { ca?: string | string[]; servername?: string };
  /** TCP connect; default 10 s. */
  connectionTimeoutMs?: number;
  /** From connect to the 220 greeting; default 10 s. */
  greetingTimeoutMs?: number;
  /**
   * Longest silence on an open connection; default 60 s. RFC 5321 §4.5.3.2
   * suggests minutes per command for relays across the Internet; the relay
   * here is the bank's own, and a secret waiting ten minutes is worse than a
   * retry that reuses the same Message-ID.
   */
  socketTimeoutMs?: number;
  /** Date header; the system clock by default. */
  clock?: Clock;
}

export interface SmtpChannel extends DeliveryChannel {
  readonly provider: 'smtp';
  deliver(msg: DeliveryMessage): Promise<DeliveryResult>;
  connectionState(): ChannelConnectionState;
  /** Opens a connection (and logs in) without sending, to learn the state at startup; throws like deliver. */
  verify(): Promise<void>;
  close(): Promise<void>;
}

// RFC 5322 §3.2.3 dot-atom-text: what may stand on either side of the @ of a Message-ID.
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// One plain address: no spaces, commas or brackets that would make nodemailer read a list.
const ADDRESS = /^[^\s@,;<>()"\\]+@[^\s@,;<>()"\\]+$/;

/**
 * E-mail over an SMTP relay with nodemailer. Each message goes out with a
 * text part (the outbox's rendered text) and an HTML part in the same
 * language, a `Message-ID` built from the outbox id (a resend after an unknown
 * outcome is the same message to the relay and the reader), and RFC 3834
 * `Auto-Submitted: auto-generated`. The relay's 250 is the last word:
 * `awaitingReceipt` is false. The text is never logged or put in an error.
 *
 * providerId is the Message-ID, followed by the relay's queue id when its 250
 * reply names one (`<id@domain> 4F2B81C0A2`), so an operator can find the
 * message in the relay's log.
 *
 * @example
 *   const email = createSmtpChannel({
 *     url: 'smtp://clave:s3cret@mail.bank.example:587?pool=true',
 *     from: { address: 'no-reply@bank.example', name: 'Banco Ejemplo' },
 *     messageIdDomain: 'clave.bank.example',
 *   });
 *   await email.deliver({ id, channel: 'email', to: 'ana@example.com', subject, text, language: 'es', expiresAt: null });
 */
export function createSmtpChannel(options: SmtpChannelOptions): SmtpChannel {
  const settings = typeof options.url === 'string' ? parseSmtpUrl(options.url) : options.url;
  if (!DOT_ATOM.test(options.messageIdDomain)) {
    throw new ClaveError('INVALID_CONFIG', `SMTP messageIdDomain '${options.messageIdDomain}' is not a domain`);
  }
  if (!ADDRESS.test(options.from.address)) throw new ClaveError('INVALID_CONFIG', `SMTP from address '${options.from.address}' is not an address`);
  const clock = options.clock ?? systemClock;
  const transporter = createTransporter(settings, options);
  // Which sends had their whole message read by the connection, keyed by the per-send signal.
  const probes = new WeakMap<AbortSignal, { handedOver: boolean }>();
  transporter.use('stream', (mail, done) => {
    const probe = mail.data.signal ? probes.get(mail.data.signal) : undefined;
    if (probe) {
      // Called on every read of the message: a pool that requeues a message starts a fresh attempt.
      mail.message.processFunc((output) => {
        probe.handedOver = false;
        output.once('end', () => (probe.handedOver = true));
        return output;
      });
    }
    done();
  });

  let state: ChannelConnectionState = 'connecting';
  let closed = false;

  const fail = (err: unknown, handedOver: boolean): ClaveError => {
    const mapped = mapSmtpError(err, handedOver);
    // A reply about the message proves a working session; anything else says the relay is not usable.
    state = mapped.code === 'DELIVERY_REJECTED' || (mapped.code === 'DELIVERY_THROTTLED' && mapped.details.responseCode !== 421) ? 'up' : 'down';
    return mapped;
  };

  return {
    provider: 'smtp',
    connectionState: () => state,

    async deliver(msg) {
      if (closed) throw new ClaveError('DELIVERY_UNAVAILABLE', 'SMTP channel is closed');
      checkMessage(msg);
      const messageId = `<${msg.id}@${options.messageIdDomain}>`;
      const language = languageTag(msg.language);
      const signal = new AbortController().signal;
      const probe = { handedOver: false };
      probes.set(signal, probe);
      let info: SMTPSentMessageInfo;
      try {
        info = await transporter.sendMail({
          from: { name: options.from.name ?? '', address: options.from.address },
          to: { name: '', address: msg.to },
          // Explicit, so nothing in the headers can add a recipient.
          envelope: { from: options.from.address, to: [msg.to] },
          subject: msg.subject ?? '',
          text: msg.text,
          html: renderHtmlBody(msg.text, msg.language),
          messageId,
          date: new Date(clock.now()),
          xMailer: false,
          headers: {
            // RFC 3282: the language of the content, for clients and screen readers.
            'Content-Language': language,
            // RFC 3834 §5: "Auto-Submitted: auto-generated" marks mail no human wrote, so responders stay quiet.
            'Auto-Submitted': 'auto-generated',
            // Exchange's counterpart of Auto-Submitted, honoured by Outlook's out-of-office replies.
            'X-Auto-Response-Suppress': 'All',
            'X-Clave-Outbox-Id': msg.id,
            // RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe that POSTs to the address.
            ...(msg.unsubscribeUrl
              ? { 'List-Unsubscribe': `<${msg.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
              : {}),
          },
          signal,
        });
      } catch (err) {
        throw fail(err, probe.handedOver);
      }
      state = 'up';
      const queueId = queueIdOf(info);
      return { providerId: queueId === null ? info.messageId : `${info.messageId} ${queueId}`, awaitingReceipt: false };
    },

    async verify() {
      if (closed) throw new ClaveError('DELIVERY_UNAVAILABLE', 'SMTP channel is closed');
      try {
        await transporter.verify();
      } catch (err) {
        throw fail(err, false);
      }
      state = 'up';
    },

    close() {
      if (!closed) {
        closed = true;
        state = 'down';
        transporter.close();
      }
      return Promise.resolve();
    },
  };
}

function createTransporter(settings: SmtpUrlSettings, options: SmtpChannelOptions): Transporter<SMTPSentMessageInfo> {
  const common: SMTPTransportOptions = {
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.requireTLS,
    ...(settings.name === null ? {} : { name: settings.name }),
    ...(settings.auth === null ? {} : { auth: { user: settings.auth.user, pass: settings.auth.pass.reveal() } }),
    ...(settings.authMethod === null ? {} : { authMethod: settings.authMethod }),
    tls: {
      rejectUnauthorized: settings.tlsRejectUnauthorized,
      ...(options.tls?.ca === undefined ? {} : { ca: options.tls.ca }),
      ...(options.tls?.servername === undefined ? {} : { servername: options.tls.servername }),
    },
    connectionTimeout: options.connectionTimeoutMs ?? 10_000,
    greetingTimeout: options.greetingTimeoutMs ?? 10_000,
    socketTimeout: options.socketTimeoutMs ?? 60_000,
    // nodemailer's logger would print envelopes; debug would print the message itself.
    logger: false,
    debug: false,
  };
  if (!settings.pool) return nodemailer.createTransport(common);
  const pooled: SMTPPoolOptions & { pool: true } = { ...common, pool: true, maxConnections: settings.maxConnections, maxMessages: settings.maxMessages };
  return nodemailer.createTransport(pooled);
}

function checkMessage(msg: DeliveryMessage): void {
  if (msg.channel !== 'email') throw new ClaveError('DELIVERY_REJECTED', `SMTP channel given a '${msg.channel}' message`, { channel: msg.channel });
  // RFC 5322 §3.6.4: msg-id = "<" id-left "@" id-right ">", id-left a dot-atom-text.
  if (!DOT_ATOM.test(msg.id)) throw new ClaveError('DELIVERY_REJECTED', 'Outbox id cannot form a Message-ID', { id: msg.id });
  if (!ADDRESS.test(msg.to)) throw new ClaveError('DELIVERY_REJECTED', 'Recipient is not one plain e-mail address');
}

/** The relay's own id for the message, when its final 250 reply gives one. */
function queueIdOf(info: SMTPSentMessageInfo): string | null {
  if (info.serverMessageId !== undefined) return info.serverMessageId;
  const response = typeof info.response === 'string' ? info.response : '';
  // Postfix "250 2.0.0 Ok: queued as 4F2B81C0A2", Exim "250 OK id=1tXYZ1-000123-AB", Sendmail "… Message accepted for delivery" has none.
  const match = /queued as ([A-Za-z0-9._-]+)|\bid=([A-Za-z0-9._-]+)/i.exec(response);
  return match?.[1] ?? match?.[2] ?? null;
}
