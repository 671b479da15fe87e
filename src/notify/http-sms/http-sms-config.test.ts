import { describe, expect, it } from 'vitest';
import { ClaveError } from '../../shared/index.ts';
import { parseHttpSmsConfig } from './http-sms-config.ts';

const valid = {
  url: 'https://sms.provider.test/v1/messages',
  headers: { Authorization: 'Bearer very-secret-token' },
  bodyTemplate: { to: '{{to}}', from: '{{from}}', text: '{{text}}', validity: '{{validitySeconds}}', statusUrl: '{{callbackUrl}}' },
  idPath: 'messages.0.id',
  from: 'BANCO',
  callbackUrl: 'https://clave.bank.test/webhooks/sms/status',
  callback: { secret: 'callback-secret-0123', timestampHeader: 'X-Timestamp' },
};

function configError(value: unknown): ClaveError {
  try {
    parseHttpSmsConfig(typeof value === 'string' ? value : JSON.stringify(value));
  } catch (err) {
    expect(err).toBeInstanceOf(ClaveError);
    expect((err as ClaveError).code).toBe('INVALID_CONFIG');
    expect((err as ClaveError).message).not.toContain('very-secret-token');
    return err as ClaveError;
  }
  throw new Error('accepted');
}

describe('parseHttpSmsConfig', () => {
  it('reads a full configuration with defaults, secrets wrapped', () => {
    const options = parseHttpSmsConfig(JSON.stringify(valid));
    expect(options).toMatchObject({ url: valid.url, method: 'POST', bodyEncoding: 'json', timeoutMs: 10_000, idPath: 'messages.0.id', from: 'BANCO' });
    expect(options.callback).toMatchObject({
      signatureHeader: 'X-Signature',
      signatureEncoding: 'hex',
      timestampHeader: 'X-Timestamp',
      toleranceSeconds: 300,
      idPath: 'id',
      statusPath: 'status',
      deliveredValues: ['delivered'],
      failedValues: ['failed', 'undelivered', 'rejected', 'expired'],
    });
    expect(options.callback?.secret.reveal()).toBe('callback-secret-0123');
    const auth = options.headers?.Authorization;
    expect(typeof auth === 'string' ? auth : auth?.reveal()).toBe('Bearer very-secret-token');
    const printed = JSON.stringify(options);
    expect(printed).not.toContain('very-secret-token');
    expect(printed).not.toContain('callback-secret-0123');
  });

  it('says the JSON is broken without quoting it', () => {
    expect(configError('{"headers":{"Authorization":"Bearer very-secret-token"').message).toBe('CLAVE_SMS_HTTP_CONFIG: is not valid JSON');
  });

  it('names every wrong field', () => {
    const err = configError({ ...valid, url: 'ftp://x', timeoutMs: 5, method: 'GET', extra: 1, callback: { secret: 'short' } });
    expect(err.message).toContain('url must be an http(s) URL');
    expect(err.message).toContain('timeoutMs');
    expect(err.message).toContain('method');
    expect(err.message).toContain('callback.secret use at least 16 characters');
    expect(err.message).toContain('"extra"');
    expect(configError({ ...valid, idPath: 'messages..id' }).message).toContain('idPath must be a dot path such as messages.0.id');
    expect(configError({ ...valid, headers: { 'Bad Header': 'x' } }).message).toContain('headers');
  });

  it('checks the body template against the rest', () => {
    expect(configError({ ...valid, bodyTemplate: { to: '{{to}}', text: '{{txt}}' } }).message).toBe(
      'CLAVE_SMS_HTTP_CONFIG: SMS HTTP bodyTemplate: unknown placeholder(s) {{txt}} (known: {{to}}, {{text}}, {{id}}, {{from}}, {{validitySeconds}}, {{callbackUrl}})',
    );
    expect(configError({ ...valid, bodyTemplate: { to: '{{to}}' } }).message).toContain('{{text}} is missing');
    expect(configError({ ...valid, from: undefined }).message).toContain('{{from}} is used but no "from" is configured');
    expect(configError({ ...valid, callbackUrl: undefined }).message).toContain('{{callbackUrl}} is used but no "callbackUrl" is configured');
    expect(configError({ ...valid, bodyEncoding: 'form', bodyTemplate: { to: '{{to}}', m: { text: '{{text}}' } } }).message).toContain('form encoding needs a flat object');
  });
});
