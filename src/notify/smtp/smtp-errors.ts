import { ClaveError } from '../../shared/index.ts';

/** The fields nodemailer puts on its errors (see NodemailerError); all optional. */
interface SmtpErrorFields {
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
  originalCode?: string;
  timeoutType?: string;
}

/**
 * Commands whose 5yz refuses this message (its recipient, its content), not
 * the session: MAIL FROM is left out, since a refused sender or a missing login
 * (530) refuses every message and is a configuration problem to retry past.
 */
const MESSAGE_COMMANDS = new Set(['RCPT TO', 'DATA']);
/** RFC 4954 §6: authentication replies, whatever command they answer. */
const AUTH_REPLIES = new Set([530, 534, 535, 538]);
/** Errors that end the connection; after the message was handed over they leave the outcome unknown. */
const CONNECTION_ERRORS = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE']);
const AUTH_ERRORS = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2']);
/**
 * RFC 5321 §4.2.2 / §4.2.3: 421 (closing, try later), 450 (mailbox busy), 451
 * (local error), 452 (insufficient storage) all say "not now"; the greylisting
 * and rate limits of real relays use them. Other 4yz replies are transient too,
 * but not a request to slow down.
 */
const TRY_LATER = new Set([421, 450, 451, 452]);

/**
 * Turns a nodemailer error into the ClaveError the outbox worker branches on.
 * `handedOver` says whether the whole message (DATA content) had been written
 * to the server: a connection that dies after that, before the final reply,
 * may or may not have queued the message (RFC 5321 §4.1.1.4: the server takes
 * responsibility only with its 250), so the outcome is unknown.
 *
 * Messages carry the SMTP reply code and command, never the mail text; the
 * server's reply goes in `details.response`, cut to 200 characters.
 *
 * @example
 *   mapSmtpError(Object.assign(new Error('x'), { code: 'EENVELOPE', responseCode: 550 }), false).code // 'DELIVERY_REJECTED'
 */
export function mapSmtpError(err: unknown, handedOver: boolean): ClaveError {
  if (err instanceof ClaveError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as SmtpErrorFields;
  const code = typeof e.code === 'string' ? e.code : 'UNKNOWN';
  const reply = typeof e.responseCode === 'number' ? e.responseCode : null;
  const details: Record<string, unknown> = { smtpCode: code };
  if (reply !== null) details.responseCode = reply;
  if (typeof e.command === 'string') details.command = e.command;
  if (typeof e.response === 'string') details.response = e.response.slice(0, 200);
  if (typeof e.originalCode === 'string') details.originalCode = e.originalCode;
  if (typeof e.timeoutType === 'string') details.timeoutType = e.timeoutType;
  const where = typeof e.command === 'string' ? ` to ${e.command}` : '';

  // Authentication is checked before the message is named: a configuration problem, never this message's fault.
  if (AUTH_ERRORS.has(code) || (reply !== null && AUTH_REPLIES.has(reply))) {
    return new ClaveError('DELIVERY_UNAVAILABLE', `SMTP authentication failed${reply !== null ? ` (${reply})` : ''}: check the user and password of CLAVE_SMTP_URL`, details);
  }
  if (reply !== null && reply >= 400 && reply < 600) {
    if (TRY_LATER.has(reply)) return new ClaveError('DELIVERY_THROTTLED', `SMTP server said try later (${reply}${where})`, details);
    // RFC 5321 §4.2.1: 5yz is a permanent negative reply; 503 only says the session was out of step.
    if (reply >= 500 && reply !== 503 && MESSAGE_COMMANDS.has(e.command ?? '')) {
      return new ClaveError('DELIVERY_REJECTED', `SMTP server rejected the message (${reply}${where})`, details);
    }
    // A 5yz to the greeting, EHLO, STARTTLS or MAIL FROM refuses the session, not this message: retried.
    return new ClaveError('DELIVERY_UNAVAILABLE', `SMTP server refused (${reply}${where})`, details);
  }
  if (handedOver && CONNECTION_ERRORS.has(code)) {
    return new ClaveError('DELIVERY_OUTCOME_UNKNOWN', `SMTP connection lost after the message was sent, before the server's reply (${code})`, details);
  }
  if (code === 'ETLS' || e.originalCode?.startsWith('ERR_TLS') === true || e.originalCode?.includes('CERT') === true) {
    return new ClaveError('DELIVERY_UNAVAILABLE', `SMTP TLS failed (${e.originalCode ?? code}): check the server certificate and the tls ca option`, details);
  }
  if (CONNECTION_ERRORS.has(code)) {
    return new ClaveError('DELIVERY_UNAVAILABLE', `SMTP server unreachable (${e.originalCode ?? code}${e.timeoutType ? ` ${e.timeoutType}` : ''})`, details);
  }
  return new ClaveError('DELIVERY_UNAVAILABLE', `SMTP delivery failed (${code})`, details);
}
