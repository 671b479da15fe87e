import type { IncidentText, StatusConfig, Texts } from './types.ts';

/** A text in the language asked for, or in the fallback (the first configured language), which `fallback` then names. */
export interface PickedText {
  text: IncidentText;
  /** The language the text is in. */
  language: string;
  /** Set (to `language`) only when the asked language was missing. */
  fallback: string | null;
}

/**
 * Picks a text: the asked language, else the configuration's first language
 * (visibly: `fallback` says so), else any language present, so a draft's
 * preview is never empty.
 *
 * @example
 *   pickText({ es: { title: 'Caída', message: '…' } }, 'en', config); // { language: 'es', fallback: 'es', text: … }
 */
export function pickText(texts: Texts, language: string, config: StatusConfig): PickedText {
  const asked = texts[language];
  if (asked) return { text: asked, language, fallback: null };
  const order = [...config.languages, ...Object.keys(texts).sort()];
  for (const lang of order) {
    const text = texts[lang];
    if (text) return { text, language: lang, fallback: lang };
  }
  return { text: { title: '', message: '' }, language, fallback: null };
}

/** The same texts, configured languages first and in their order (then any others, sorted). */
export function orderTexts(texts: Texts, languages: readonly string[]): Texts {
  const out: Texts = {};
  for (const lang of [...languages, ...Object.keys(texts).sort()]) {
    const text = texts[lang];
    if (text && !(lang in out)) out[lang] = text;
  }
  return out;
}

/** The language views and announcements are rendered in: the asked one when configured, else the first. */
export function viewLanguage(language: string, config: StatusConfig): string {
  return config.languages.includes(language) ? language : (config.languages[0] ?? language);
}

/** A configured name in a language, else in the first configured language. */
export function nameIn(name: Record<string, string>, language: string, config: StatusConfig): string {
  return name[language] ?? name[config.languages[0] ?? ''] ?? Object.values(name)[0] ?? '';
}

/** The few sentences Clave writes itself. Languages without an entry use English. */
interface Phrases {
  nextUpdate(time: string): string;
  window(from: string, to: string): string;
  overrunTitle(components: string): string;
  overrunMessage(components: string, plannedEnd: string): string;
}

const PHRASES: Readonly<Record<string, Phrases>> = {
  es: {
    nextUpdate: (t) => `Daremos más información a las ${t}.`,
    window: (a, b) => `Mantenimiento programado de ${a} a ${b}.`,
    overrunTitle: (c) => `El mantenimiento de ${c} está durando más de lo previsto`,
    overrunMessage: (c, end) =>
      `El mantenimiento programado de ${c}, que debía terminar a las ${end}, está durando más de lo previsto. Estamos trabajando para restablecer el servicio lo antes posible.`,
  },
  en: {
    nextUpdate: (t) => `Next update at ${t}.`,
    window: (a, b) => `Planned maintenance from ${a} to ${b}.`,
    overrunTitle: (c) => `Maintenance of ${c} is taking longer than planned`,
    overrunMessage: (c, end) => `The planned maintenance of ${c}, due to end at ${end}, is taking longer than planned. We are working to restore the service as soon as possible.`,
  },
};

/** Whether Clave has its own sentences in a language (an overrun draft is prefilled only in those). */
export function hasPhrases(language: string): boolean {
  return Object.hasOwn(PHRASES, language);
}

export function phrases(language: string): Phrases {
  return PHRASES[language] ?? (PHRASES['en'] as Phrases);
}

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * "14:30" in the configured zone (Europe/Madrid by default, for es and en
 * alike), with the day ("12/03 14:30") when it is not the same local day as
 * `now`: a caller told "at 02:00" must know which night.
 */
export function clockTime(at: Date, now: number, config: StatusConfig): string {
  const zone = config.timeZone ?? 'Europe/Madrid';
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(zone, f);
  }
  const parts = (d: Date) => Object.fromEntries(f.formatToParts(d).map((p) => [p.type, p.value]));
  const p = parts(at);
  const today = parts(new Date(now));
  const time = `${p['hour']}:${p['minute']}`;
  return p['day'] === today['day'] && p['month'] === today['month'] ? time : `${p['day']}/${p['month']} ${time}`;
}
