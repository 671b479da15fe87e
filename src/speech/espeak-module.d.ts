// The package ships no typings; this declares the part Clave uses
// (espeak-ng's Emscripten WebIDL binding, as Echogarden calls it).
declare module '@echogarden/espeak-ng-emscripten' {
  interface ESpeakNGWorker {
    /** 0 on success, non-zero when espeak-ng has no such voice. */
    set_voice(name: string): number;
    set_rate(wordsPerMinute: number): void;
    set_pitch(pitch: number): void;
    readonly samplerate: number;
    /** Runs synthesis to the end, handing over chunks of 16-bit samples; returning true aborts. */
    synthesize(text: string, onChunk: (samples: Int16Array | undefined, events: unknown[]) => boolean): void;
  }
  interface ESpeakNGModule {
    eSpeakNGWorker: new () => ESpeakNGWorker;
  }
  const createModule: () => Promise<ESpeakNGModule>;
  export default createModule;
}
