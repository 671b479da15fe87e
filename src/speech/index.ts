/**
 * The speech context: prompt audio for telephone channels, as 8 kHz 16-bit
 * linear PCM (the channel encodes G.711). espeak-ng (WebAssembly) speaks,
 * a disk + memory cache keeps what it said, studio recordings override it,
 * and prompts with parameters are assembled from cached pieces.
 */
export { createSpeech, type Speech, type SpeechOptions } from './create-speech.ts';
export { PromptAudio, type PromptAudioOptions, type PromptCatalogs, type PromptRequest } from './prompt-audio.ts';
export { PromptAudioCache, type PromptAudioCacheOptions, type WarmEntry, type WarmReport } from './prompt-audio-cache.ts';
export { RecordedPrompts } from './recorded-prompts.ts';
export { EspeakEngine, DEFAULT_VOICES, type EspeakOptions } from './espeak-engine.ts';
export type { SpeechEngine } from './speech-engine.ts';
export { type Pcm, TELEPHONE_RATE } from './pcm.ts';
export { resample } from './resample.ts';
export { parseWav } from './wav-read.ts';
export { encodeWav } from './wav-write.ts';
