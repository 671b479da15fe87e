import type { OutboxMessageInput } from '../../notify/index.ts';
import type { IncidentEvent, IncidentText, StatusConfig, Texts } from '../types.ts';
import type { SubscriptionChannel } from './address.ts';
import { phrasesFor } from './phrases.ts';

/** The events subscribers hear of; the others (a window starting or ending on time) stay on the page. */
const TEMPLATES: Partial<Record<IncidentEvent['type'], string>> = {
  'incident.published': 'status_incident_published',
  'incident.updated': 'status_incident_updated',
  'incident.resolved': 'status_incident_resolved',
  'maintenance.scheduled': 'status_maintenance_scheduled',
  // Whoever was told of a window is told when it will not happen.
  'maintenance.cancelled': 'status_maintenance_cancelled',
};

export interface NoticeRecipient {
  channel: SubscriptionChannel;
  address: string;
  language: string;
  unsubscribeUrl: string;
}

export interface NoticeContext {
  config: StatusConfig;
  /** Base URL of the public status page, without a trailing slash. */
  publicUrl: string;
  /** IANA zone the maintenance times are written in. */
  timeZone: string;
}

/** Whether subscribers are told of this event at all (published incidents and scheduled maintenance only). */
export function isNotified(event: IncidentEvent): boolean {
  if (TEMPLATES[event.type] === undefined) return false;
  if (event.type.startsWith('incident.')) return event.incident?.visibility === 'published';
  return event.maintenance !== undefined;
}

/**
 * The outbox message telling one subscriber of one event, in the
 * subscriber's language; the operator's text falls back to the configuration's
 * first language when it has none in that language.
 *
 * @example
 *   buildNotice(event, { channel: 'email', address: 'ana@example.com', language: 'es', unsubscribeUrl }, ctx)
 *   // { channel: 'email', template: 'status_incident_published_email', params: { title, message, … }, … }
 */
export function buildNotice(event: IncidentEvent, to: NoticeRecipient, ctx: NoticeContext): OutboxMessageInput {
  const base = TEMPLATES[event.type];
  const subject = event.incident ?? event.maintenance;
  if (base === undefined || subject === undefined) throw new Error(`event ${event.type} is not notified`);
  const text = pickText(subject.text, to.language, ctx.config.languages);
  const label = phrasesFor(to.language).workaround;
  const workaround = text.workaround?.trim()
    ? `${to.channel === 'email' ? '\n\n' : '\n'}${label} ${text.workaround.trim()}`
    : '';
  const params: Record<string, string> = {
    title: text.title,
    message: text.message,
    workaround,
    statusUrl: `${ctx.publicUrl}/status?lang=${encodeURIComponent(to.language)}`,
    unsubscribeUrl: to.unsubscribeUrl,
  };
  if (event.maintenance) {
    const m = event.maintenance;
    const window = m.current ?? m.previous ?? m;
    params['window'] = formatWindow(window.startsAt, window.endsAt, to.language, ctx.timeZone);
  }
  return { channel: to.channel, to: to.address, language: to.language, template: `${base}_${to.channel}`, params };
}

function pickText(texts: Texts, language: string, languages: readonly string[]): IncidentText {
  const fallback = languages[0];
  return (
    (Object.hasOwn(texts, language) ? texts[language] : undefined) ??
    (fallback !== undefined && Object.hasOwn(texts, fallback) ? texts[fallback] : undefined) ??
    Object.values(texts)[0] ?? { title: '', message: '' }
  );
}

/**
 * A maintenance window in words, with its zone named (a subscriber may read
 * it abroad). 24-hour times and a plain hyphen keep an SMS in GSM 03.38.
 *
 * @example formatWindow(start, end, 'en', 'Europe/Madrid')
 *   // 'Saturday, 10 January 2026 at 22:00 - Sunday, 11 January 2026 at 06:00 (Europe/Madrid)'
 */
export function formatWindow(start: Date, end: Date, language: string, timeZone: string): string {
  const f = new Intl.DateTimeFormat(language, {
    weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone,
  });
  return `${f.format(start)} - ${f.format(end)} (${timeZone})`;
}
