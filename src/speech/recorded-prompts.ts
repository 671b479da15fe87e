import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log/index.ts';
import { ClaveError } from '../shared/index.ts';
import { TELEPHONE_RATE } from './pcm.ts';
import { resample } from './resample.ts';
import { parseWav } from './wav-read.ts';

/**
 * Studio recordings that replace synthesized prompts: `<dir>/<language>/<promptId>.wav`
 * (16-bit PCM at any rate, or G.711 µ-law/A-law; mono or not). All are read,
 * checked and converted to 8 kHz when the line starts, so a bad file stops
 * the start with its name instead of failing a caller later.
 *
 * Besides catalog ids, `digit-0` … `digit-9` replace the spoken digits, and
 * `<promptId>.<n>` the n-th fixed piece of a prompt with parameters.
 *
 * @example
 *   const recorded = await RecordedPrompts.load('prompts');
 *   recorded.get('es', 'main_menu'); // Int16Array at 8 kHz, or undefined
 */
export class RecordedPrompts {
  readonly #clips: ReadonlyMap<string, ReadonlyMap<string, Int16Array>>;

  constructor(clips: ReadonlyMap<string, ReadonlyMap<string, Int16Array>> = new Map()) {
    this.#clips = clips;
  }

  static async load(dir: string | undefined, logger?: Logger): Promise<RecordedPrompts> {
    if (dir === undefined) return new RecordedPrompts();
    const languages = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      logger?.warn({ dir }, 'recorded prompts directory does not exist; every prompt is synthesized');
      return [];
    });
    const clips = new Map<string, Map<string, Int16Array>>();
    for (const language of languages.filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
      const byId = new Map<string, Int16Array>();
      const files = (await readdir(path.join(dir, language))).filter((f) => /\.wav$/i.test(f)).sort();
      for (const file of files) {
        const full = path.join(dir, language, file);
        const pcm = parseWav(await readFile(full), full);
        if (pcm.samples.length === 0) throw new ClaveError('INVALID_AUDIO', `${full}: holds no audio`, { file: full, reason: 'empty' });
        byId.set(file.replace(/\.wav$/i, ''), resample(pcm.samples, pcm.sampleRate, TELEPHONE_RATE));
      }
      clips.set(language, byId);
      logger?.info({ language, count: byId.size }, 'recorded prompts loaded');
    }
    return new RecordedPrompts(clips);
  }

  get(language: string, promptId: string): Int16Array | undefined {
    return this.#clips.get(language)?.get(promptId);
  }

  ids(language: string): string[] {
    return [...(this.#clips.get(language)?.keys() ?? [])];
  }
}
