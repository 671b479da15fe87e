import { z } from 'zod';
import { ClaveError } from '../shared/index.ts';
import type { CreateIncidentInput, ScheduleMaintenanceInput, StatusConfig, UpdateIncidentInput } from './types.ts';

export const IMPACTS = ['degraded', 'partial_outage', 'major_outage', 'under_maintenance'] as const;
export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export const CAUSES = ['technical_fault', 'planned_maintenance', 'third_party', 'cyberattack', 'under_investigation'] as const;

/** Bounds on public texts: a title fits a phone's line, a message a short spoken paragraph or two. */
export const TEXT_LIMITS = { title: 140, message: 2000, workaround: 1000 } as const;
const DAY_MS = 86_400_000;
export const DEFAULT_ANNOUNCE_BEFORE_MS = DAY_MS;

// Plain text only: line breaks and tabs are fine, other control characters are not.
const plain = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `at most ${max} characters`)
    .refine((s) => !/(?![\n\r\t])\p{Cc}/u.test(s), 'control characters are not allowed (plain text)');

const TextSchema = z.strictObject({
  title: plain(TEXT_LIMITS.title),
  message: plain(TEXT_LIMITS.message),
  workaround: plain(TEXT_LIMITS.workaround).optional(),
});

/** A time as a Date or an ISO 8601 string with an offset (the API's JSON). */
const Instant = z.union([z.date(), z.iso.datetime({ offset: true }).transform((s) => new Date(s))]).refine((d) => !Number.isNaN(d.getTime()), 'not a valid time');

function schemas(config: StatusConfig) {
  const componentIds = config.components.map((c) => c.id);
  const marketIds = config.markets.map((m) => m.id);
  const Component = z.string().refine((id) => componentIds.includes(id), { message: `unknown component (configured: ${componentIds.join(', ')})` });
  const Market = z.string().refine((id) => marketIds.includes(id), { message: `unknown market (configured: ${marketIds.join(', ')})` });
  const Affected = z
    .array(z.strictObject({ component: Component, impact: z.enum(IMPACTS) }))
    .min(1, 'at least one component')
    .max(componentIds.length)
    .refine((list) => new Set(list.map((c) => c.component)).size === list.length, 'each component once');
  const Markets = z
    .array(Market)
    .max(marketIds.length)
    .refine((list) => new Set(list).size === list.length, 'each market once');
  const Texts = z.record(z.string(), TextSchema);
  return { Affected, Markets, Texts };
}

/**
 * Languages: none unknown; when the text goes public, every configured one
 * (a draft may lack some), and a workaround in one language is in all, so a
 * missing translation is never silently nothing.
 */
function checkTexts(config: StatusConfig, texts: Record<string, { workaround?: string | undefined }>, published: boolean, path: (string | number)[], ctx: z.RefinementCtx) {
  for (const lang of Object.keys(texts)) {
    if (!config.languages.includes(lang)) ctx.addIssue({ code: 'custom', path: [...path, lang], message: `unknown language (configured: ${config.languages.join(', ')})` });
  }
  if (Object.keys(texts).length === 0) ctx.addIssue({ code: 'custom', path, message: 'needs a text in at least one language' });
  if (!published) return;
  for (const lang of config.languages) {
    if (!(lang in texts)) ctx.addIssue({ code: 'custom', path: [...path, lang], message: `missing: a published text needs every configured language (${config.languages.join(', ')})` });
  }
  const withWorkaround = config.languages.filter((l) => texts[l]?.workaround !== undefined);
  if (withWorkaround.length > 0) {
    for (const lang of config.languages) {
      if (lang in texts && texts[lang]?.workaround === undefined) {
        ctx.addIssue({ code: 'custom', path: [...path, lang, 'workaround'], message: `missing: given in ${withWorkaround.join(', ')}, so needed in every language` });
      }
    }
  }
}

/** Checks that a public text is complete: every language, workaround everywhere or nowhere. */
export function checkPublishable(config: StatusConfig, texts: Record<string, { workaround?: string | undefined }>, path = 'text'): void {
  const Check = z.unknown().superRefine((_v, ctx) => checkTexts(config, texts, true, [path], ctx));
  run<unknown>(Check, texts);
}

/** Parses with `schema`, whose output the caller names as `T` (zod's optional fields are `T`'s). */
function run<T>(schema: z.ZodType, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data as T;
  const issues = parsed.error.issues;
  const field = issues[0]?.path.join('.') || '(body)';
  const message = issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
  throw new ClaveError('INVALID_ARGUMENT', message, { field });
}

/**
 * Checks an incident as the API or a caller of the service gives it; errors
 * (INVALID_ARGUMENT) name each bad field: "text.en: missing: …".
 *
 * @example
 *   parseCreateIncident(config, { status: 'investigating', cause: 'technical_fault', components: [{ component: 'atm', impact: 'degraded' }], text: { es: {…}, en: {…} }, publish: true });
 */
export function parseCreateIncident(config: StatusConfig, raw: unknown): CreateIncidentInput {
  const { Affected, Markets, Texts } = schemas(config);
  const Schema = z
    .strictObject({
      status: z.enum(['investigating', 'identified', 'monitoring']),
      cause: z.enum(CAUSES),
      components: Affected,
      markets: Markets.optional(),
      text: Texts,
      publish: z.boolean(),
      nextUpdateAt: Instant.nullable().optional(),
    })
    .superRefine((v, ctx) => checkTexts(config, v.text, v.publish, ['text'], ctx));
  return run<CreateIncidentInput>(Schema, raw);
}

/** Checks an update; whether its text must be complete depends on the incident (published or draft), given by `published`. */
export function parseUpdateIncident(config: StatusConfig, raw: unknown, published: boolean): UpdateIncidentInput {
  const { Affected, Texts } = schemas(config);
  const Schema = z
    .strictObject({
      status: z.enum(INCIDENT_STATUSES),
      text: Texts.optional(),
      components: Affected.optional(),
      nextUpdateAt: Instant.nullable().optional(),
    })
    .superRefine((v, ctx) => {
      if (v.text) checkTexts(config, v.text, published, ['text'], ctx);
    });
  return run<UpdateIncidentInput>(Schema, raw);
}

/**
 * Checks a maintenance window. Weekly windows must start on one of their
 * weekdays (RFC 5545 §3.8.5.3: a DTSTART not synchronised with its rule gives
 * an undefined set; we refuse it instead), and a recurring window must end
 * before its next occurrence starts.
 */
export function parseScheduleMaintenance(config: StatusConfig, raw: unknown): ScheduleMaintenanceInput {
  const { Affected, Markets, Texts } = schemas(config);
  const Recurrence = z.strictObject({
    freq: z.enum(['daily', 'weekly']),
    byWeekday: z.array(z.number().int().min(0).max(6)).min(1).max(7).optional(),
    until: Instant.optional(),
  });
  const Schema = z
    .strictObject({
      components: Affected,
      markets: Markets.optional(),
      text: Texts,
      startsAt: Instant,
      endsAt: Instant,
      recurrence: Recurrence.nullable().optional(),
      announceBeforeMs: z.number().int().min(0).max(30 * DAY_MS).optional(),
    })
    .superRefine((v, ctx) => {
      checkTexts(config, v.text, true, ['text'], ctx);
      const issue = (path: string[], message: string) => ctx.addIssue({ code: 'custom', path, message });
      const length = v.endsAt.getTime() - v.startsAt.getTime();
      if (length <= 0) issue(['endsAt'], 'must be after startsAt');
      const r = v.recurrence;
      if (!r) return;
      if (r.freq === 'daily' && r.byWeekday) issue(['recurrence', 'byWeekday'], 'only for weekly windows');
      if (r.until && r.until.getTime() < v.startsAt.getTime()) issue(['recurrence', 'until'], 'must not be before startsAt');
      const days = r.freq === 'weekly' ? [...new Set(r.byWeekday ?? [v.startsAt.getUTCDay()])].sort((a, b) => a - b) : [];
      if (r.freq === 'weekly' && !days.includes(v.startsAt.getUTCDay())) {
        issue(['recurrence', 'byWeekday'], `startsAt falls on weekday ${v.startsAt.getUTCDay()} (UTC), which is not one of byWeekday`);
      }
      const gapDays = r.freq === 'daily' ? 1 : Math.min(...days.map((d, i) => ((days[(i + 1) % days.length] ?? d) - d + 7) % 7 || 7));
      if (length > gapDays * DAY_MS) issue(['endsAt'], `a window repeated ${r.freq} must end before its next occurrence starts (at most ${gapDays * 24} hours long)`);
    });
  return run<ScheduleMaintenanceInput>(Schema, raw);
}
