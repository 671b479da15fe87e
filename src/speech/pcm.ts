/** Mono 16-bit linear PCM at some rate: what synthesis and recordings give. */
export interface Pcm {
  readonly samples: Int16Array;
  readonly sampleRate: number;
}

/** G.711's rate (ITU-T G.711 §1: 8000 samples per second): all prompt audio is stored at it. */
export const TELEPHONE_RATE = 8000;
