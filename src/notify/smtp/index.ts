/** E-mail delivery over an SMTP relay (nodemailer): STARTTLS or implicit TLS, authentication, an optional pool. */
export { createSmtpChannel, type SmtpChannel, type SmtpChannelOptions } from './smtp-channel.ts';
export { parseSmtpUrl, type SmtpUrlSettings } from './smtp-url.ts';
export { renderHtmlBody } from './html-layout.ts';
export { mapSmtpError } from './smtp-errors.ts';
