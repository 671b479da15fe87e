import { ClaveError } from '../shared/index.ts';
import type { Pcm } from './pcm.ts';
import type { SpeechEngine } from './speech-engine.ts';

/**
 * A SpeechEngine that returns a 500 Hz tone 20 ms long per character at
 * 22 050 Hz, and records every call: cache tests count syntheses with it.
 */
export class FakeEngine implements SpeechEngine {
  readonly version: string;
  readonly calls: { text: string; language: string }[] = [];
  maxConcurrent = 0;
  #running = 0;
  /** While held, syntheses wait for `release()`: tests see how many run at once. */
  #held: (() => void)[] | null = null;

  constructor(version = 'fake-1') {
    this.version = version;
  }

  voiceFor(language: string): string {
    if (language !== 'es' && language !== 'en') throw new ClaveError('SPEECH_FAILED', `no voice for ${language}`, { language });
    return `fake-${language}`;
  }

  async synthesize(text: string, language: string): Promise<Pcm> {
    this.voiceFor(language);
    this.calls.push({ text, language });
    this.#running++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.#running);
    if (this.#held) await new Promise<void>((r) => this.#held?.push(r));
    // A few turns of the event loop, as a worker thread would take.
    for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
    this.#running--;
    return { samples: fakeTone(text.length * 441), sampleRate: 22050 };
  }

  /** Syntheses started from now on wait for `release()`. */
  hold(): void {
    this.#held ??= [];
  }

  /** How many syntheses are waiting for `release()`. */
  get waiting(): number {
    return this.#held?.length ?? 0;
  }

  /** Lets the waiting syntheses finish; later ones are still held. */
  release(): void {
    for (const go of this.#held?.splice(0) ?? []) go();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export function fakeTone(length: number, rate = 22050): Int16Array {
  return Int16Array.from({ length }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 500 * i) / rate)));
}

/** Length at 8 kHz of what FakeEngine says for `text`. */
export function fakeLength(text: string): number {
  return Math.ceil((text.length * 441 * 8000) / 22050);
}
