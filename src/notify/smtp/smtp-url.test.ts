import { describe, expect, it } from 'vitest';
import { ClaveError } from '../../shared/index.ts';
import { parseSmtpUrl } from './smtp-url.ts';

function invalid(url: string): string {
  try {
    parseSmtpUrl(url);
  } catch (err) {
    expect(err).toBeInstanceOf(ClaveError);
    expect((err as ClaveError).code).toBe('INVALID_CONFIG');
    return (err as ClaveError).message;
  }
  throw new Error(`accepted ${url}`);
}

describe('parseSmtpUrl', () => {
  it('reads smtp:// with credentials as STARTTLS on 587, required', () => {
    const s = parseSmtpUrl('smtp://clave:s3cr%40t@mail.bank.test');
    expect(s).toMatchObject({ host: 'mail.bank.test', port: 587, secure: false, requireTLS: true, pool: false, tlsRejectUnauthorized: true, name: null, authMethod: null });
    expect(s.auth?.user).toBe('clave');
    expect(s.auth?.pass.reveal()).toBe('s3cr@t');
    expect(JSON.stringify(s)).not.toContain('s3cr');
  });

  it('reads smtps:// as implicit TLS on 465, and a local relay without credentials as opportunistic STARTTLS', () => {
    expect(parseSmtpUrl('smtps://u:p@mail.bank.test')).toMatchObject({ port: 465, secure: true, requireTLS: false });
    expect(parseSmtpUrl('smtp://127.0.0.1:25')).toMatchObject({ port: 25, secure: false, requireTLS: false, auth: null });
    expect(parseSmtpUrl('smtp://[::1]:2525')).toMatchObject({ host: '::1', port: 2525 });
  });

  it('reads the query options', () => {
    const s = parseSmtpUrl('smtp://u:p@h:2525?pool=true&maxConnections=3&maxMessages=50&requireTLS=false&tlsRejectUnauthorized=false&name=clave.bank.test&authMethod=login');
    expect(s).toMatchObject({ pool: true, maxConnections: 3, maxMessages: 50, requireTLS: false, tlsRejectUnauthorized: false, name: 'clave.bank.test', authMethod: 'LOGIN' });
  });

  it('names what is wrong, never the password', () => {
    expect(invalid('http://u:p@h')).toBe('CLAVE_SMTP_URL: scheme must be smtp: or smtps:, not http:');
    expect(invalid('smtp://u:topsecret@h?poool=true')).toContain("unknown option 'poool'");
    expect(invalid('smtp://u:topsecret@h?maxConnections=0')).toBe('CLAVE_SMTP_URL: maxConnections must be an integer from 1 to 100');
    expect(invalid('smtp://u:topsecret@h?pool=yes')).toBe('CLAVE_SMTP_URL: pool must be true or false');
    expect(invalid('smtp://u@h')).toBe('CLAVE_SMTP_URL: give both user and password, or neither');
    expect(invalid('smtp://u:topsecret@h/path')).toBe('CLAVE_SMTP_URL: a path is not allowed');
    expect(invalid('smtp://u:top%E0secret@h')).toBe('CLAVE_SMTP_URL: the password is not valid percent-encoding');
    expect(invalid('not a url')).toContain('not a URL');
    expect(invalid('smtp://u:p@h?name=a%0d%0aRCPT')).toBe('CLAVE_SMTP_URL: name has characters it may not have');
  });
});
