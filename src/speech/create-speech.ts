import path from 'node:path';
import type { Logger } from '../log/index.ts';
import type { Clock } from '../shared/index.ts';
import { EspeakEngine, type EspeakOptions } from './espeak-engine.ts';
import { PromptAudioCache } from './prompt-audio-cache.ts';
import { PromptAudio, type PromptCatalogs } from './prompt-audio.ts';
import { RecordedPrompts } from './recorded-prompts.ts';
import type { SpeechEngine } from './speech-engine.ts';

export interface SpeechOptions {
  /** The cache goes to `<dataDir>/audio-cache`; without it, memory only. */
  dataDir?: string;
  /** Recordings, `<recordedDir>/<language>/<promptId>.wav`. */
  recordedDir?: string;
  catalogs?: PromptCatalogs;
  espeak?: EspeakOptions;
  /** Another engine instead of espeak-ng (tests). */
  engine?: SpeechEngine;
  logger?: Logger;
  clock?: Clock;
}

/** The speech context's pieces, owned together: closing it ends the engine's threads. */
export interface Speech {
  readonly prompts: PromptAudio;
  readonly cache: PromptAudioCache;
  readonly engine: SpeechEngine;
  close(): Promise<void>;
}

/**
 * Builds the speech context for the composition root: loads recordings
 * (failing on a bad file), and sets up espeak-ng and the cache. Call
 * `prompts.warm()` before taking calls.
 *
 * @example
 *   const speech = await createSpeech({ dataDir: 'data', recordedDir: 'prompts', catalogs: bundle.catalogs, logger });
 *   await speech.prompts.warm();
 *   // … channel calls speech.prompts.getPromptAudio(prompt)
 *   await speech.close();
 */
export async function createSpeech(options: SpeechOptions = {}): Promise<Speech> {
  const recorded = await RecordedPrompts.load(options.recordedDir, options.logger);
  const engine = options.engine ?? new EspeakEngine(options.espeak);
  const cache = new PromptAudioCache({
    engine,
    ...(options.dataDir !== undefined ? { dir: path.join(options.dataDir, 'audio-cache') } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const prompts = new PromptAudio({
    cache,
    recorded,
    ...(options.catalogs ? { catalogs: options.catalogs } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return { prompts, cache, engine, close: () => engine.close() };
}
