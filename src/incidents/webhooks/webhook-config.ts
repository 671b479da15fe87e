import { z } from 'zod';
import { ClaveError, Sensitive } from '../../shared/index.ts';
import type { IncidentEvent } from '../types.ts';

// A Record, so a new event type in the contract fails the type check here until it is listed.
const EVENT_TYPES: Record<IncidentEvent['type'], true> = {
  'incident.published': true, 'incident.updated': true, 'incident.resolved': true,
  'maintenance.scheduled': true, 'maintenance.started': true, 'maintenance.completed': true, 'maintenance.cancelled': true,
  'alert.raised': true,
};
export const WEBHOOK_EVENT_TYPES = Object.keys(EVENT_TYPES) as [IncidentEvent['type'], ...IncidentEvent['type'][]];

/** An event type, a family (`incident.*`, `maintenance.*`, `alert.*`) or every public event (`*`). */
const EventPattern = z.union([z.enum(WEBHOOK_EVENT_TYPES), z.literal('incident.*'), z.literal('maintenance.*'), z.literal('alert.*'), z.literal('*')]);

const Endpoint = z.strictObject({
  url: z.url({ protocol: /^https?$/, hostname: z.regexes.hostname }).max(2000),
  // Long enough not to be guessed; receivers compare it as bytes.
  secret: z.string().min(16).max(512),
  events: z.array(EventPattern).min(1).optional(),
});

export interface WebhookEndpoint {
  url: string;
  /** The HMAC key the receiver shares. */
  secret: Sensitive<string> | string;
  /** Which events it wants (exact types, `incident.*`, `maintenance.*` or `*`); absent: every event. */
  events?: string[];
}

/**
 * Reads `CLAVE_WEBHOOKS`: a JSON array of `{url, secret, events?}`. Absent or
 * blank: no webhooks. Each URL at most once (it names the endpoint in the
 * delivery queue). Errors name the entry and field, never the secret.
 *
 * @example
 *   parseWebhooksConfig('[{"url":"https://hooks.bank.example/clave","secret":"0123456789abcdef0123","events":["incident.*"]}]')
 *   // [{ url: 'https://hooks.bank.example/clave', secret: Sensitive, events: ['incident.*'] }]
 */
export function parseWebhooksConfig(raw: string | undefined): WebhookEndpoint[] {
  if (raw === undefined || raw.trim() === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ClaveError('INVALID_CONFIG', 'CLAVE_WEBHOOKS is not valid JSON');
  }
  const parsed = z.array(Endpoint).max(50).safeParse(json);
  if (!parsed.success) {
    // zod's default messages describe the expectation, never the value: a secret cannot leak through them.
    const problems = parsed.error.issues.map((i) => `${['CLAVE_WEBHOOKS', ...i.path.map(String)].join('.')}: ${i.message}`);
    throw new ClaveError('INVALID_CONFIG', `CLAVE_WEBHOOKS: ${problems.join('; ')}`, { problems });
  }
  const seen = new Set<string>();
  return parsed.data.map((e, i) => {
    if (seen.has(e.url)) throw new ClaveError('INVALID_CONFIG', `CLAVE_WEBHOOKS.${i}.url: the same URL twice`, { problems: [`CLAVE_WEBHOOKS.${i}.url: duplicate`] });
    seen.add(e.url);
    return { url: e.url, secret: new Sensitive(e.secret), ...(e.events ? { events: e.events } : {}) };
  });
}

/**
 * Whether an endpoint wants an event of this type. Alerts (an outage the
 * detector suspects, not confirmed by anyone) are for operators' tools only:
 * an endpoint gets them when it names them (`alert.raised` or `alert.*`),
 * never through `*` or by listing nothing, so a social-media tool cannot
 * publish a suspicion.
 */
export function wants(endpoint: WebhookEndpoint, type: string): boolean {
  const internal = type.startsWith('alert.');
  if (!endpoint.events) return !internal;
  return endpoint.events.some((p) => (p === '*' && !internal) || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}
