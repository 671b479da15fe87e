import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log/index.ts';
import { isClaveError, systemClock, type Clock } from '../shared/index.ts';
import { AudioLru } from './audio-lru.ts';
import { TELEPHONE_RATE } from './pcm.ts';
import { resample } from './resample.ts';
import type { SpeechEngine } from './speech-engine.ts';
import { parseWav } from './wav-read.ts';
import { encodeWav } from './wav-write.ts';

/** Bumped when the processing after synthesis changes (resampler, format): old files are then ignored. */
const PIPELINE_VERSION = 'clave-speech/1';

export interface PromptAudioCacheOptions {
  engine: SpeechEngine;
  /** Where synthesized prompts are kept as WAV files, e.g. `<dataDir>/audio-cache`; none: memory only. */
  dir?: string;
  /** Memory budget for clips, default 64 MiB (a catalog of ~40 prompts is ~4 MiB). */
  maxBytes?: number;
  logger?: Logger;
  clock?: Clock;
}

export interface WarmEntry {
  language: string;
  text: string;
}

export interface WarmReport {
  total: number;
  fromMemory: number;
  fromDisk: number;
  synthesized: number;
  ms: number;
}

type Source = 'memory' | 'disk' | 'engine';

/**
 * Synthesized speech as 8 kHz 16-bit PCM, by (language, text): memory first
 * (LRU), then the disk cache, then the engine. Disk files are named by
 * sha256(pipeline, engine version, language, voice, text) and written
 * atomically, so a crash never leaves half a prompt to be played later.
 * Concurrent requests for the same text share one synthesis.
 *
 * @example
 *   const cache = new PromptAudioCache({ engine: new EspeakEngine(), dir: 'data/audio-cache' });
 *   await cache.warm([{ language: 'es', text: 'Gracias por llamar. Adiós.' }]);
 *   cache.peek('es', 'Gracias por llamar. Adiós.'); // Int16Array at 8 kHz
 */
export class PromptAudioCache {
  readonly #engine: SpeechEngine;
  readonly #dir: string | undefined;
  readonly #memory: AudioLru;
  readonly #inflight = new Map<string, Promise<{ samples: Int16Array; source: Source }>>();
  readonly #logger: Logger | undefined;
  readonly #clock: Clock;
  #dirReady: Promise<unknown> | undefined;
  #tmpCounter = 0;

  constructor(options: PromptAudioCacheOptions) {
    this.#engine = options.engine;
    this.#dir = options.dir;
    this.#memory = new AudioLru(options.maxBytes ?? 64 * 1024 * 1024);
    this.#logger = options.logger;
    this.#clock = options.clock ?? systemClock;
  }

  /** The clip if it is in memory: one Map lookup, no promise. */
  peek(language: string, text: string): Int16Array | undefined {
    return this.#memory.get(memoryKey(language, text));
  }

  /**
   * The clip for `text`, synthesizing it if needed. `persist: false` keeps it
   * off the disk (parameter values: unbounded in number, and not worth
   * keeping); `remember: false` keeps it out of memory too (text that may
   * hold a secret).
   */
  async get(language: string, text: string, options: { persist?: boolean; remember?: boolean } = {}): Promise<Int16Array> {
    if (options.remember === false) return this.#synthesize(language, text);
    return (await this.#load(language, text, options.persist ?? true)).samples;
  }

  /**
   * Makes every entry ready in memory, synthesizing what the disk cache lacks
   * with at most `concurrency` syntheses at once (one per core).
   */
  async warm(entries: readonly WarmEntry[], options: { concurrency?: number } = {}): Promise<WarmReport> {
    const started = this.#clock.now();
    const unique = [...new Map(entries.map((e) => [memoryKey(e.language, e.text), e])).values()];
    const report: WarmReport = { total: unique.length, fromMemory: 0, fromDisk: 0, synthesized: 0, ms: 0 };
    const failures: unknown[] = [];
    let next = 0;
    const lane = async () => {
      while (next < unique.length) {
        const entry = unique[next++] as WarmEntry;
        try {
          const { source } = await this.#load(entry.language, entry.text, true);
          if (source === 'memory') report.fromMemory++;
          else if (source === 'disk') report.fromDisk++;
          else report.synthesized++;
        } catch (err) {
          failures.push(err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, lane));
    report.ms = this.#clock.now() - started;
    this.#logger?.info({ ...report, failed: failures.length }, 'prompt audio warmed');
    if (failures.length > 0) throw failures[0];
    return report;
  }

  #load(language: string, text: string, persist: boolean): Promise<{ samples: Int16Array; source: Source }> {
    const key = memoryKey(language, text);
    const hit = this.#memory.get(key);
    if (hit) return Promise.resolve({ samples: hit, source: 'memory' });
    const pending = this.#inflight.get(key);
    if (pending) return pending;
    const loading = this.#fetch(language, text, persist).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, loading);
    return loading;
  }

  async #fetch(language: string, text: string, persist: boolean): Promise<{ samples: Int16Array; source: Source }> {
    const file = persist && this.#dir !== undefined ? path.join(this.#dir, `${this.#diskKey(language, text)}.wav`) : undefined;
    const stored = file ? await this.#readDisk(file) : undefined;
    if (stored) {
      this.#memory.set(memoryKey(language, text), stored);
      return { samples: stored, source: 'disk' };
    }
    const samples = await this.#synthesize(language, text);
    if (file) await this.#writeDisk(file, samples);
    this.#memory.set(memoryKey(language, text), samples);
    return { samples, source: 'engine' };
  }

  async #synthesize(language: string, text: string): Promise<Int16Array> {
    const pcm = await this.#engine.synthesize(text, language);
    return resample(pcm.samples, pcm.sampleRate, TELEPHONE_RATE);
  }

  #diskKey(language: string, text: string): string {
    const identity = [PIPELINE_VERSION, this.#engine.version, language, this.#engine.voiceFor(language), text];
    return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
  }

  async #readDisk(file: string): Promise<Int16Array | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.#logger?.warn({ file, err }, 'prompt audio cache unreadable');
      return undefined;
    }
    try {
      const pcm = parseWav(bytes, file);
      if (pcm.sampleRate === TELEPHONE_RATE) return pcm.samples;
      this.#logger?.warn({ file, sampleRate: pcm.sampleRate }, 'prompt audio cache file has the wrong rate; synthesizing again');
    } catch (err) {
      if (!isClaveError(err, 'INVALID_AUDIO')) throw err;
      this.#logger?.warn({ file, reason: err.details.reason }, 'prompt audio cache file is damaged; synthesizing again');
    }
    return undefined;
  }

  /** tmp + rename: readers see the old file or the whole new one (rename(2) is atomic within a file system). */
  async #writeDisk(file: string, samples: Int16Array): Promise<void> {
    const tmp = `${file}.${process.pid}.${this.#tmpCounter++}.tmp`;
    try {
      this.#dirReady ??= mkdir(path.dirname(file), { recursive: true });
      await this.#dirReady;
      await writeFile(tmp, encodeWav({ samples, sampleRate: TELEPHONE_RATE }));
      await rename(tmp, file);
    } catch (err) {
      // The clip still serves from memory; the next start synthesizes it again.
      this.#logger?.warn({ file, err }, 'prompt audio cache write failed');
      this.#dirReady = undefined;
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }
}

function memoryKey(language: string, text: string): string {
  return `${language}\u0000${text}`;
}
