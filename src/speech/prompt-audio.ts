import type { Logger } from '../log/index.ts';
import { ClaveError } from '../shared/index.ts';
import { joinClips, trimSilence } from './clip-edit.ts';
import type { PromptAudioCache, WarmEntry, WarmReport } from './prompt-audio-cache.ts';
import { fixedTexts, hasPlaceholders, segmentsFromTemplate, segmentsFromText, type Segment } from './prompt-segments.ts';
import { RecordedPrompts } from './recorded-prompts.ts';

/** Language → prompt id → catalog text with {placeholders}: the flow bundle's `catalogs`. */
export type PromptCatalogs = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** A prompt as the call layer renders it (RenderedPrompt) plus the call's language. */
export interface PromptRequest {
  id: string;
  /** The text with parameters filled in. */
  text: string;
  params?: Readonly<Record<string, string>>;
  language: string;
}

export interface PromptAudioOptions {
  cache: PromptAudioCache;
  recorded?: RecordedPrompts;
  /** Catalog templates: prompts with parameters are split on them exactly (else on the values found in the text). */
  catalogs?: PromptCatalogs;
  /** Silence between spoken digits, long enough to write each one down. */
  digitGapMs?: number;
  /** Silence between the pieces of an assembled prompt. */
  segmentGapMs?: number;
  logger?: Logger;
}

const DIGITS = '0123456789';

/**
 * Prompt audio for the SIP channel, 8 kHz 16-bit PCM: a recording when one
 * exists, otherwise cached synthesis. Prompts with parameters are assembled
 * from cached pieces, so a signing key is read from ten digit clips and
 * never synthesized, cached or written anywhere as a whole.
 *
 * @example
 *   const audio = await prompts.getPromptAudio({ id: 'signing_key', text: 'Su clave de firma es: 4 8 2 1.', params: { key: '4 8 2 1' }, language: 'es' });
 *   const payload = encodeUlaw(audio); // the channel's G.711 encoder
 */
export class PromptAudio {
  readonly #cache: PromptAudioCache;
  readonly #recorded: RecordedPrompts;
  readonly #catalogs: PromptCatalogs;
  readonly #digitGapMs: number;
  readonly #segmentGapMs: number;
  readonly #logger: Logger | undefined;

  constructor(options: PromptAudioOptions) {
    this.#cache = options.cache;
    this.#recorded = options.recorded ?? new RecordedPrompts();
    this.#catalogs = options.catalogs ?? new Map();
    this.#digitGapMs = options.digitGapMs ?? 250;
    this.#segmentGapMs = options.segmentGapMs ?? 150;
    this.#logger = options.logger;
  }

  /** The audio if it is ready in memory (a prompt without parameters): synchronous, a Map lookup. */
  peek(prompt: PromptRequest): Int16Array | undefined {
    if (hasParams(prompt)) return undefined;
    return this.#recorded.get(prompt.language, prompt.id) ?? this.#cache.peek(prompt.language, prompt.text);
  }

  /** The audio of a prompt; a hit costs a Map lookup and a resolved promise. */
  getPromptAudio(prompt: PromptRequest): Promise<Int16Array> {
    const ready = this.peek(prompt);
    if (ready) return Promise.resolve(ready);
    return hasParams(prompt) ? this.#assemble(prompt) : this.#cache.get(prompt.language, prompt.text);
  }

  /** Same as getPromptAudio, named by prompt id. */
  audioFor(request: { language: string; promptId: string; text: string; params?: Readonly<Record<string, string>> }): Promise<Int16Array> {
    return this.getPromptAudio({ id: request.promptId, text: request.text, params: request.params ?? {}, language: request.language });
  }

  /**
   * Digits read one by one from cached clips (or `digit-N` recordings).
   *
   * @example
   *   await prompts.speakDigits('48215509', 'es'); // "cuatro · ocho · dos · …"
   */
  async speakDigits(digits: string, language: string): Promise<Int16Array> {
    const compact = digits.replace(/\s/g, '');
    // The value stays out of the message: it is usually a signing key.
    if (!/^\d*$/.test(compact)) throw new ClaveError('INVALID_ARGUMENT', 'speakDigits takes decimal digits only');
    const clips = await Promise.all([...compact].map((d) => this.#digit(d, language)));
    return joinClips(clips, this.#digitGapMs);
  }

  /**
   * Synthesizes ahead of calls everything the catalogs can say: prompts
   * without parameters whole, the fixed pieces of the others, and the ten
   * digits. Recorded prompts are skipped.
   */
  async warm(options: { concurrency?: number } = {}): Promise<WarmReport> {
    const entries: WarmEntry[] = [];
    for (const [language, catalog] of this.#catalogs) {
      for (const [id, template] of Object.entries(catalog)) {
        if (!hasPlaceholders(template)) {
          if (!this.#recorded.get(language, id)) entries.push({ language, text: template });
          continue;
        }
        if (this.#recorded.get(language, id)) this.#logger?.warn({ language, id }, 'recording ignored: the prompt has parameters; record its pieces as <id>.<n>.wav');
        fixedTexts(template).forEach((text, i) => {
          if (!this.#recorded.get(language, `${id}.${i + 1}`)) entries.push({ language, text });
        });
      }
      for (const d of DIGITS) if (!this.#recorded.get(language, `digit-${d}`)) entries.push({ language, text: d });
    }
    return this.#cache.warm(entries, options);
  }

  async #assemble(prompt: PromptRequest): Promise<Int16Array> {
    const params = prompt.params ?? {};
    const template = this.#catalogs.get(prompt.language)?.[prompt.id];
    const segments = template !== undefined ? segmentsFromTemplate(template, params) : segmentsFromText(prompt.text, params);
    if (!segments) {
      // Values not found in the text: say it whole, and keep it nowhere (it may hold a secret).
      this.#logger?.warn({ id: prompt.id, language: prompt.language }, 'prompt parameters not found in its text; synthesized whole, uncached');
      return this.#cache.get(prompt.language, prompt.text, { remember: false });
    }
    const clips = await Promise.all(segments.map((s) => this.#segment(s, prompt)));
    return joinClips(clips, this.#segmentGapMs);
  }

  async #segment(segment: Segment, prompt: PromptRequest): Promise<Int16Array> {
    switch (segment.kind) {
      case 'fixed':
        return trimSilence(this.#recorded.get(prompt.language, `${prompt.id}.${segment.index}`) ?? (await this.#cache.get(prompt.language, segment.text)));
      case 'digits':
        return this.speakDigits(segment.digits, prompt.language);
      case 'value':
        return trimSilence(await this.#cache.get(prompt.language, segment.text, { persist: false }));
    }
  }

  async #digit(d: string, language: string): Promise<Int16Array> {
    return trimSilence(this.#recorded.get(language, `digit-${d}`) ?? (await this.#cache.get(language, d)));
  }
}

function hasParams(prompt: PromptRequest): boolean {
  return prompt.params !== undefined && Object.keys(prompt.params).length > 0;
}
