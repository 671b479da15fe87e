import type { Pcm } from './pcm.ts';

/**
 * A text-to-speech engine. EspeakEngine is the real one; tests use a fake
 * that counts calls.
 */
export interface SpeechEngine {
  /** Engine, build and settings: part of every cache key, so a change re-synthesizes. */
  readonly version: string;
  /** The voice used for a language; throws SPEECH_FAILED for a language without one. */
  voiceFor(language: string): string;
  /** Speech for `text` at the engine's own rate (espeak-ng: 22 050 Hz). */
  synthesize(text: string, language: string): Promise<Pcm>;
  /** Ends the engine; later and queued calls fail with CLOSED. Idempotent. */
  close(): Promise<void>;
}
