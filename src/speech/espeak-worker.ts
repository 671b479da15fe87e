// Runs espeak-ng (WebAssembly) off the main thread: synthesis is a
// synchronous loop that would otherwise stall RTP pacing for every other call
// while it runs (~20 ms per second of speech). One wasm instance per worker,
// reused for every request; requests arrive one at a time.
import { parentPort } from 'node:worker_threads';
import createModule from '@echogarden/espeak-ng-emscripten';
import type { SynthesisReply, SynthesisRequest } from './espeak-protocol.ts';

const port = parentPort;
if (!port) throw new Error('espeak-worker.ts runs as a worker thread');

const ready = createModule().then((m) => new m.eSpeakNGWorker());

port.on('message', (req: SynthesisRequest) => {
  ready
    .then((espeak) => {
      if (espeak.set_voice(req.voice) !== 0) throw new Error(`espeak-ng has no voice "${req.voice}"`);
      espeak.set_rate(req.rate);
      espeak.set_pitch(req.pitch);
      const chunks: Int16Array[] = [];
      let length = 0;
      espeak.synthesize(req.ssml, (samples) => {
        if (samples && samples.length > 0) {
          chunks.push(samples);
          length += samples.length;
        }
        return false;
      });
      const out = new Int16Array(length);
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
      const reply: SynthesisReply = { id: req.id, ok: true, samples: out, sampleRate: espeak.samplerate };
      port.postMessage(reply, [out.buffer]);
    })
    .catch((err: unknown) => {
      const reply: SynthesisReply = { id: req.id, ok: false, message: err instanceof Error ? err.message : String(err) };
      port.postMessage(reply);
    });
});
