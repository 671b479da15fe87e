import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ClaveError } from '../shared/index.ts';
import type { SynthesisReply, SynthesisRequest } from './espeak-protocol.ts';
import type { Pcm } from './pcm.ts';
import type { SpeechEngine } from './speech-engine.ts';

/** espeak-ng voice per catalog language. "en" is American English: espeak's clearest English voice. */
export const DEFAULT_VOICES: Readonly<Record<string, string>> = { es: 'es', en: 'en-us' };

const ESPEAK_RATE = 22050;

export interface EspeakOptions {
  /** Language → espeak-ng voice name (`espeak-ng --voices`); default DEFAULT_VOICES. */
  voices?: Readonly<Record<string, string>>;
  /** Words per minute; espeak's default 175 is brisk for a phone line. */
  rate?: number;
  /** 0–99, espeak's default 50. */
  pitch?: number;
  /** Worker threads, each with its own wasm instance; default min(2, cores). */
  threads?: number;
}

interface Job {
  req: SynthesisRequest;
  language: string;
  resolve: (pcm: Pcm) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker?: Worker;
  job?: Job;
}

/**
 * espeak-ng compiled to WebAssembly, run in a small pool of worker threads so
 * that synthesis never blocks the event loop that paces RTP. Requests queue
 * when every thread is busy; each thread keeps its wasm instance for life.
 *
 * @example
 *   const engine = new EspeakEngine();
 *   const { samples, sampleRate } = await engine.synthesize('Para castellano, pulse 1.', 'es'); // 22050 Hz
 *   await engine.close();
 */
export class EspeakEngine implements SpeechEngine {
  readonly version: string;
  readonly #voices: Readonly<Record<string, string>>;
  readonly #rate: number;
  readonly #pitch: number;
  readonly #slots: Slot[];
  #queue: Job[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: EspeakOptions = {}) {
    this.#voices = options.voices ?? DEFAULT_VOICES;
    this.#rate = options.rate ?? 160;
    this.#pitch = options.pitch ?? 50;
    const threads = options.threads ?? Math.min(2, availableParallelism());
    this.#slots = Array.from({ length: Math.max(1, threads) }, () => ({}));
    this.version = `espeak-ng-emscripten@${packageVersion()} rate=${this.#rate} pitch=${this.#pitch}`;
  }

  voiceFor(language: string): string {
    const voice = this.#voices[language];
    if (voice === undefined) throw new ClaveError('SPEECH_FAILED', `no espeak-ng voice configured for language "${language}"`, { language });
    return voice;
  }

  async synthesize(text: string, language: string): Promise<Pcm> {
    if (this.#closed) throw new ClaveError('CLOSED', 'speech engine is closed');
    const voice = this.voiceFor(language);
    // Nothing speakable: espeak would only return a breath of silence.
    if (!/[\p{L}\p{N}]/u.test(text)) return { samples: new Int16Array(0), sampleRate: ESPEAK_RATE };
    const ssml = text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    return new Promise<Pcm>((resolve, reject) => {
      this.#queue.push({ req: { id: this.#nextId++, ssml, voice, rate: this.#rate, pitch: this.#pitch }, language, resolve, reject });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = () => new ClaveError('CLOSED', 'speech engine is closed');
    for (const job of this.#queue.splice(0)) job.reject(closed());
    const exits: Promise<number>[] = [];
    for (const slot of this.#slots) {
      slot.job?.reject(closed());
      slot.job = undefined;
      const worker = slot.worker;
      slot.worker = undefined;
      if (worker) exits.push(worker.terminate());
    }
    await Promise.all(exits);
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (slot.job) continue;
      const job = this.#queue.shift();
      if (!job) return;
      const worker = slot.worker ?? this.#spawn(slot);
      slot.job = job;
      worker.ref();
      worker.postMessage(job.req);
    }
  }

  #spawn(slot: Slot): Worker {
    const worker = new Worker(new URL('./espeak-worker.ts', import.meta.url));
    slot.worker = worker;
    worker.on('message', (reply: SynthesisReply) => {
      const job = slot.job;
      if (!job || job.req.id !== reply.id) return;
      slot.job = undefined;
      // An idle thread must not keep the process alive.
      worker.unref();
      if (reply.ok) job.resolve({ samples: reply.samples, sampleRate: reply.sampleRate });
      else job.reject(this.#failure(job, reply.message));
      this.#dispatch();
    });
    const crashed = (why: string) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      const job = slot.job;
      slot.job = undefined;
      job?.reject(this.#failure(job, why));
      void worker.terminate();
      if (!this.#closed) this.#dispatch();
    };
    worker.on('error', (err: Error) => crashed(`worker crashed: ${err.message}`));
    worker.on('exit', (code) => crashed(`worker exited with code ${code}`));
    return worker;
  }

  #failure(job: Job, why: string): ClaveError {
    // The text stays out of the message: it may be a payee's name.
    return new ClaveError('SPEECH_FAILED', `speech synthesis failed for language "${job.language}" (voice "${job.req.voice}"): ${why}`, {
      language: job.language,
      voice: job.req.voice,
    });
  }
}

function packageVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('@echogarden/espeak-ng-emscripten/package.json') as { version: string }).version;
}
