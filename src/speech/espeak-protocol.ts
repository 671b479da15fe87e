/** Messages between EspeakEngine and its worker threads. */
export interface SynthesisRequest {
  id: number;
  /** Text with &, < and > escaped: espeak-ng reads its input as SSML. */
  ssml: string;
  voice: string;
  rate: number;
  pitch: number;
}

export type SynthesisReply =
  | { id: number; ok: true; samples: Int16Array; sampleRate: number }
  | { id: number; ok: false; message: string };
