import type { OutboxChannel } from '../types.ts';

/**
 * What each message is, independent of language: its channel, the
 * parameters its text needs and whether it carries a secret. A language file
 * gives only the words (`MessageText`); tests check that every language uses
 * exactly these placeholders.
 */
export const TEMPLATE_SPECS = {
  /** The user name, by e-mail. Never a password: that travels by SMS. */
  ebanking_username: { channel: 'email', params: ['name', 'username'], secret: false },
  /** Must be changed at the next login. */
  ebanking_temporary_password: { channel: 'sms', params: ['validMinutes'], secret: true },
  phonebanking_username: { channel: 'email', params: ['name', 'username'], secret: false },
  phonebanking_access_code: { channel: 'sms', params: ['validMinutes'], secret: true },
  /** The customer types it into e-banking to release the blocked operation. */
  operation_unlock_code: { channel: 'sms', params: ['reference', 'validMinutes'], secret: true },
  signature_unlocked: { channel: 'sms', params: [], secret: false },
  /** Sent by the bank after an e-banking password change. */
  password_changed: { channel: 'sms', params: ['username'], secret: false },
  /**
   * Status alerts (src/incidents/subscribers): double opt-in confirmation, then
   * one message per incident event. `workaround` is either empty or a whole
   * labelled sentence with its leading line break, so a template never shows
   * a dangling label when an incident has no workaround.
   */
  status_confirm_email: { channel: 'email', params: ['confirmUrl', 'validHours'], secret: false },
  status_confirm_sms: { channel: 'sms', params: ['confirmUrl', 'validHours'], secret: false },
  status_incident_published_email: { channel: 'email', params: ['title', 'message', 'workaround', 'statusUrl', 'unsubscribeUrl'], secret: false },
  /** SMS carry the title and the workaround; the message itself is one tap away on the status page. */
  status_incident_published_sms: { channel: 'sms', params: ['title', 'workaround', 'statusUrl', 'unsubscribeUrl'], secret: false },
  status_incident_updated_email: { channel: 'email', params: ['title', 'message', 'workaround', 'statusUrl', 'unsubscribeUrl'], secret: false },
  status_incident_updated_sms: { channel: 'sms', params: ['title', 'workaround', 'statusUrl', 'unsubscribeUrl'], secret: false },
  status_incident_resolved_email: { channel: 'email', params: ['title', 'message', 'statusUrl', 'unsubscribeUrl'], secret: false },
  status_incident_resolved_sms: { channel: 'sms', params: ['title', 'statusUrl', 'unsubscribeUrl'], secret: false },
  status_maintenance_scheduled_email: {
    channel: 'email', params: ['title', 'message', 'workaround', 'window', 'statusUrl', 'unsubscribeUrl'], secret: false,
  },
  status_maintenance_scheduled_sms: { channel: 'sms', params: ['title', 'window', 'statusUrl', 'unsubscribeUrl'], secret: false },
  status_maintenance_cancelled_email: { channel: 'email', params: ['title', 'window', 'statusUrl', 'unsubscribeUrl'], secret: false },
  status_maintenance_cancelled_sms: { channel: 'sms', params: ['title', 'window', 'statusUrl', 'unsubscribeUrl'], secret: false },
} as const satisfies Record<string, TemplateSpec>;

export interface TemplateSpec {
  channel: OutboxChannel;
  params: readonly string[];
  secret: boolean;
}

export type TemplateId = keyof typeof TEMPLATE_SPECS;

/** The words of one message in one language. `{param}` and `{secret}` are placeholders. */
export interface MessageText {
  /** E-mail only; never carries the secret. */
  subject?: string;
  text: string;
}

/** A complete language has every template; a partial one falls back to English per message. */
export type LanguageCatalog = Readonly<Record<TemplateId, MessageText>>;
export type PartialLanguageCatalog = Readonly<Partial<Record<TemplateId, MessageText>>>;

export function isTemplateId(id: string): id is TemplateId {
  return Object.hasOwn(TEMPLATE_SPECS, id);
}
