import { z } from 'zod';
import { ClaveError, Sensitive } from '../../shared/index.ts';
import { checkBodyTemplate, type JsonValue } from './body-template.ts';
import type { HttpSmsChannelOptions } from './http-sms-channel.ts';
import { JSON_PATH } from './json-path.ts';

const path = z.string().regex(JSON_PATH, 'must be a dot path such as messages.0.id');
// RFC 9110 §5.1 field-name = token.
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'is not a header name');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/**
 * `CLAVE_SMS_HTTP_CONFIG`: the whole HTTP SMS provider as one JSON value.
 *
 * @example
 *   {
 *     "url": "https://sms.provider.example/v1/messages",
 *     "headers": { "Authorization": "Bearer 3f9c…" },
 *     "bodyTemplate": { "to": "{{to}}", "from": "{{from}}", "text": "{{text}}", "reference": "{{id}}",
 *                       "validity": "{{validitySeconds}}", "statusUrl": "{{callbackUrl}}" },
 *     "idPath": "messages.0.id",
 *     "from": "BANCO",
 *     "callbackUrl": "https://clave.bank.example/webhooks/sms/status",
 *     "callback": { "secret": "…at least 16 characters…", "signatureHeader": "X-Signature",
 *                   "timestampHeader": "X-Timestamp", "idPath": "id", "statusPath": "status",
 *                   "deliveredValues": ["delivered"], "failedValues": ["failed", "undelivered"] }
 *   }
 */
export const HttpSmsConfigSchema = z.strictObject({
  url: httpUrl,
  method: z.enum(['POST', 'PUT']).default('POST'),
  headers: z.record(headerName, z.string()).default({}),
  basicAuth: z.strictObject({ user: z.string().min(1), password: z.string().min(1) }).optional(),
  bodyEncoding: z.enum(['json', 'form']).default('json'),
  bodyTemplate: z.json(),
  idPath: path.optional(),
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  from: z.string().min(1).max(20).optional(),
  callbackUrl: httpUrl.optional(),
  callback: z
    .strictObject({
      secret: z.string().min(16, 'use at least 16 characters'),
      signatureHeader: headerName.default('X-Signature'),
      signatureEncoding: z.enum(['hex', 'base64']).default('hex'),
      timestampHeader: headerName.optional(),
      separator: z.string().max(8).default('.'),
      toleranceSeconds: z.number().int().min(1).max(3600).default(300),
      itemsPath: path.optional(),
      idPath: path.default('id'),
      statusPath: path.default('status'),
      detailPath: path.optional(),
      deliveredValues: z.array(z.string().min(1)).min(1).default(['delivered']),
      failedValues: z.array(z.string().min(1)).min(1).default(['failed', 'undelivered', 'rejected', 'expired']),
    })
    .optional(),
});

/**
 * Parses `CLAVE_SMS_HTTP_CONFIG` into channel options, with secrets (header
 * values, the basic password, the callback secret) wrapped in `Sensitive`.
 * Errors name each wrong field and never quote a value.
 *
 * @example
 *   const sms = createHttpSmsChannel({ ...parseHttpSmsConfig(env.CLAVE_SMS_HTTP_CONFIG), clock });
 */
export function parseHttpSmsConfig(json: string): HttpSmsChannelOptions {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    // The parser's own message quotes the input, secrets included.
    throw invalid('is not valid JSON');
  }
  const parsed = HttpSmsConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'} ${i.message}`);
    throw invalid(problems.join('; '), { issues: problems });
  }
  const c = parsed.data;
  const bodyTemplate: JsonValue = c.bodyTemplate;
  try {
    checkBodyTemplate(bodyTemplate, { from: c.from, callbackUrl: c.callbackUrl, bodyEncoding: c.bodyEncoding });
  } catch (err) {
    throw invalid(err instanceof ClaveError ? err.message : 'bodyTemplate is invalid');
  }
  return {
    url: c.url,
    method: c.method,
    headers: Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, new Sensitive(v)])),
    ...(c.basicAuth ? { basicAuth: { user: c.basicAuth.user, password: new Sensitive(c.basicAuth.password) } } : {}),
    bodyEncoding: c.bodyEncoding,
    bodyTemplate,
    ...(c.idPath === undefined ? {} : { idPath: c.idPath }),
    timeoutMs: c.timeoutMs,
    ...(c.from === undefined ? {} : { from: c.from }),
    ...(c.callbackUrl === undefined ? {} : { callbackUrl: c.callbackUrl }),
    ...(c.callback ? { callback: { ...c.callback, secret: new Sensitive(c.callback.secret) } } : {}),
  };
}

function invalid(reason: string, details: Record<string, unknown> = {}): ClaveError {
  return new ClaveError('INVALID_CONFIG', `CLAVE_SMS_HTTP_CONFIG: ${reason}`, { variable: 'CLAVE_SMS_HTTP_CONFIG', ...details });
}
