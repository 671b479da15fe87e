import { describe, expect, it } from 'vitest';
import { mapSmtpError } from './smtp-errors.ts';

const smtpError = (fields: Record<string, unknown>) => Object.assign(new Error('nodemailer'), fields);

describe('mapSmtpError', () => {
  it('rejects for good only on a 5yz to RCPT or DATA', () => {
    expect(mapSmtpError(smtpError({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }), false).code).toBe('DELIVERY_REJECTED');
    expect(mapSmtpError(smtpError({ code: 'EMESSAGE', responseCode: 554, command: 'DATA', response: '554 5.7.1 spam' }), true).code).toBe('DELIVERY_REJECTED');
    expect(mapSmtpError(smtpError({ code: 'EENVELOPE', responseCode: 503, command: 'DATA' }), false).code).toBe('DELIVERY_UNAVAILABLE');
    expect(mapSmtpError(smtpError({ code: 'EENVELOPE', responseCode: 550, command: 'MAIL FROM' }), false).code).toBe('DELIVERY_UNAVAILABLE');
    expect(mapSmtpError(smtpError({ code: 'ECONNECTION', responseCode: 554, command: 'CONN' }), false).code).toBe('DELIVERY_UNAVAILABLE');
  });

  it('throttles on 421, 450, 451 and 452, and retries other 4yz as unavailable', () => {
    for (const responseCode of [421, 450, 451, 452]) {
      expect(mapSmtpError(smtpError({ code: 'EENVELOPE', responseCode, command: 'RCPT TO' }), false).code).toBe('DELIVERY_THROTTLED');
    }
    expect(mapSmtpError(smtpError({ code: 'EMESSAGE', responseCode: 454, command: 'DATA' }), false).code).toBe('DELIVERY_UNAVAILABLE');
  });

  it('calls authentication failures unavailable with a clear message', () => {
    const err = mapSmtpError(smtpError({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', response: '535 Invalid' }), false);
    expect(err.code).toBe('DELIVERY_UNAVAILABLE');
    expect(err.message).toBe('SMTP authentication failed (535): check the user and password of CLAVE_SMTP_URL');
  });

  it('leaves the outcome unknown when the connection dies after the message was handed over', () => {
    expect(mapSmtpError(smtpError({ code: 'ECONNECTION', command: 'CONN' }), true).code).toBe('DELIVERY_OUTCOME_UNKNOWN');
    expect(mapSmtpError(smtpError({ code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT' }), true).code).toBe('DELIVERY_OUTCOME_UNKNOWN');
    expect(mapSmtpError(smtpError({ code: 'ECONNECTION', command: 'CONN' }), false).code).toBe('DELIVERY_UNAVAILABLE');
    // A reply, even after the data, is an answer: not unknown.
    expect(mapSmtpError(smtpError({ code: 'EMESSAGE', responseCode: 451, command: 'DATA' }), true).code).toBe('DELIVERY_THROTTLED');
  });

  it('names TLS and socket failures, and cuts long replies', () => {
    const tls = mapSmtpError(smtpError({ code: 'ESOCKET', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), false);
    expect(tls.message).toBe('SMTP TLS failed (DEPTH_ZERO_SELF_SIGNED_CERT): check the server certificate and the tls ca option');
    const refused = mapSmtpError(smtpError({ code: 'ESOCKET', originalCode: 'ECONNREFUSED' }), false);
    expect(refused.message).toBe('SMTP server unreachable (ECONNREFUSED)');
    const long = mapSmtpError(smtpError({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', response: `550 ${'x'.repeat(500)}` }), false);
    expect(String(long.details.response)).toHaveLength(200);
    expect(mapSmtpError('odd', false).code).toBe('DELIVERY_UNAVAILABLE');
  });
});
