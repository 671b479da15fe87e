import { describe, expect, it } from 'vitest';
import { ClaveError, Sensitive } from '../../shared/index.ts';
import { DEFAULT_WEBHOOK_RETRY, webhookRetryDelayMs } from './backoff.ts';
import { signWebhook } from './signature.ts';
import { parseWebhooksConfig, wants } from './webhook-config.ts';

function problem(raw: string): { code: string; message: string } {
  try {
    parseWebhooksConfig(raw);
  } catch (err) {
    if (err instanceof ClaveError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('CLAVE_WEBHOOKS', () => {
  it('reads endpoints, wrapping secrets', () => {
    const [a, b] = parseWebhooksConfig(JSON.stringify([
      { url: 'https://hooks.bank.example/clave?team=social', secret: 'whsec-0123456789abcdef', events: ['incident.*', 'maintenance.scheduled'] },
      { url: 'http://127.0.0.1:8080/chat', secret: 'another-secret-0123456789' },
    ]));
    expect(a?.url).toBe('https://hooks.bank.example/clave?team=social');
    expect(a?.secret).toBeInstanceOf(Sensitive);
    expect(JSON.stringify(a)).not.toContain('whsec');
    expect(a?.events).toEqual(['incident.*', 'maintenance.scheduled']);
    expect(b).toEqual({ url: 'http://127.0.0.1:8080/chat', secret: expect.any(Sensitive) as unknown });
    expect(parseWebhooksConfig(undefined)).toEqual([]);
    expect(parseWebhooksConfig('  ')).toEqual([]);
  });

  it('refuses bad entries, naming the field and never the secret', () => {
    expect(problem('{')).toEqual({ code: 'INVALID_CONFIG', message: 'CLAVE_WEBHOOKS is not valid JSON' });
    const short = problem('[{"url":"https://x.example/h","secret":"tooshort-SECRET"}]');
    expect(short.message).toMatch(/^CLAVE_WEBHOOKS: CLAVE_WEBHOOKS\.0\.secret: /);
    expect(short.message).not.toContain('tooshort-SECRET');
    expect(problem('[{"url":"ftp://x.example/h","secret":"0123456789abcdef0"}]').message).toMatch(/CLAVE_WEBHOOKS\.0\.url: /);
    expect(problem('[{"url":"https://x.example/h","secret":"0123456789abcdef0","events":["incident.deleted"]}]').message).toMatch(/CLAVE_WEBHOOKS\.0\.events\.0: /);
    expect(problem('[{"url":"https://x.example/h","secret":"0123456789abcdef0","extra":1}]').message).toMatch(/CLAVE_WEBHOOKS\.0: /);
    expect(problem('{"url":"https://x.example/h"}').code).toBe('INVALID_CONFIG');
    const twice = '[{"url":"https://x.example/h","secret":"0123456789abcdef0"},{"url":"https://x.example/h","secret":"0123456789abcdef1"}]';
    expect(problem(twice)).toEqual({ code: 'INVALID_CONFIG', message: 'CLAVE_WEBHOOKS.1.url: the same URL twice' });
  });

  it('matches event types, families and everything', () => {
    const e = (events?: string[]) => ({ url: 'https://x.example', secret: 's', ...(events ? { events } : {}) });
    expect(wants(e(), 'maintenance.started')).toBe(true);
    expect(wants(e(['*']), 'incident.updated')).toBe(true);
    expect(wants(e(['incident.*']), 'incident.updated')).toBe(true);
    expect(wants(e(['incident.*']), 'maintenance.scheduled')).toBe(false);
    expect(wants(e(['incident.resolved']), 'incident.published')).toBe(false);
  });
});

describe('webhook signature and backoff', () => {
  it('signs "{timestamp}.{body}" with HMAC-SHA256 (value computed with openssl dgst -sha256 -hmac)', () => {
    expect(signWebhook('whsec-0123456789abcdef', '1767258000', '{"id":"evt_1"}')).toBe(
      'sha256=300f8a74d6339244d15a713957208b51f8097d6d04c9fe3f0dbe431df766e705',
    );
    // The timestamp is covered: the same body at another time signs differently.
    expect(signWebhook('whsec-0123456789abcdef', '1767258001', '{"id":"evt_1"}')).not.toBe(signWebhook('whsec-0123456789abcdef', '1767258000', '{"id":"evt_1"}'));
  });

  it('backs off exponentially with equal jitter, capped', () => {
    expect(webhookRetryDelayMs(DEFAULT_WEBHOOK_RETRY, 1, 1)).toBe(10_000);
    expect(webhookRetryDelayMs(DEFAULT_WEBHOOK_RETRY, 1, 0)).toBe(5_000);
    expect(webhookRetryDelayMs(DEFAULT_WEBHOOK_RETRY, 3, 0)).toBe(20_000);
    expect(webhookRetryDelayMs(DEFAULT_WEBHOOK_RETRY, 40, 1)).toBe(3_600_000);
    expect(webhookRetryDelayMs(DEFAULT_WEBHOOK_RETRY, 40, 0.5)).toBe(2_700_000);
  });
});
