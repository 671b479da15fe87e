import { afterAll, describe, expect, it } from 'vitest';
import { measure, whiteNoise } from './audio-metrics.test-support.ts';
import { EspeakEngine } from './espeak-engine.ts';
import { resample } from './resample.ts';

const engine = new EspeakEngine({ threads: 2 });
afterAll(() => engine.close());

function expectSpeech(samples: Int16Array): void {
  const m = measure(samples, 8000);
  expect(m.seconds).toBeGreaterThan(0.8);
  expect(m.seconds).toBeLessThan(4);
  expect(m.rmsDbfs).toBeGreaterThan(-35); // silence is -∞, a quiet room -60
  expect(m.clipped).toBe(0);
  expect(m.zeroCrossingRate).toBeGreaterThan(0.03);
  expect(m.zeroCrossingRate).toBeLessThan(0.35);
  expect(m.envelopeVariation).toBeGreaterThan(0.6);
  expect(m.spectralFlatness).toBeLessThan(0.2);
}

describe('EspeakEngine', () => {
  it('speaks Spanish and English prompts as speech-like audio, in parallel threads', async () => {
    const [es, en] = await Promise.all([
      engine.synthesize('Para castellano, pulse 1.', 'es'),
      engine.synthesize('For English, press 2.', 'en'),
    ]);
    expect(es.sampleRate).toBe(22050);
    expect(en.sampleRate).toBe(22050);
    expectSpeech(resample(es.samples, es.sampleRate, 8000));
    expectSpeech(resample(en.samples, en.sampleRate, 8000));
    expect(es.samples.length).not.toBe(en.samples.length);
  });

  it('the speech checks tell white noise and silence apart on their own measures', () => {
    const noise = measure(whiteNoise(16_000), 8000);
    expect(noise.zeroCrossingRate).toBeGreaterThan(0.4);
    expect(noise.envelopeVariation).toBeLessThan(0.3);
    expect(noise.spectralFlatness).toBeGreaterThan(0.4);
    expect(measure(new Int16Array(16_000), 8000).rmsDbfs).toBe(-Infinity);
  });

  it('reads markup characters as text instead of SSML', async () => {
    const plain = await engine.synthesize('A and B', 'en');
    const tagged = await engine.synthesize('A <b> B', 'en');
    // Unescaped, "<b>" would be swallowed as a tag and the result be shorter than "A and B".
    expect(tagged.samples.length).toBeGreaterThan(plain.samples.length);
  });

  it('returns no samples for text with nothing to say', async () => {
    expect((await engine.synthesize(' . ', 'es')).samples.length).toBe(0);
  });

  it('fails with SPEECH_FAILED for a language or voice it does not have', async () => {
    await expect(engine.synthesize('Bonjour', 'fr')).rejects.toMatchObject({ code: 'SPEECH_FAILED', details: { language: 'fr' } });
    const odd = new EspeakEngine({ voices: { xx: 'no-such-voice' }, threads: 1 });
    try {
      await expect(odd.synthesize('hola', 'xx')).rejects.toMatchObject({
        code: 'SPEECH_FAILED',
        message: 'speech synthesis failed for language "xx" (voice "no-such-voice"): espeak-ng has no voice "no-such-voice"',
      });
    } finally {
      await odd.close();
    }
  });

  it('names its package version and settings in its version', () => {
    expect(engine.version).toMatch(/^espeak-ng-emscripten@\d+\.\d+\.\d+ rate=160 pitch=50$/);
  });

  it('rejects queued and later requests with CLOSED once closed', async () => {
    const short = new EspeakEngine({ threads: 1 });
    const settled = Promise.allSettled([short.synthesize('uno', 'es'), short.synthesize('dos', 'es')]);
    await short.close();
    const [first, queued] = await settled;
    expect(first).toMatchObject({ status: 'rejected', reason: { code: 'CLOSED' } });
    expect(queued).toMatchObject({ status: 'rejected', reason: { code: 'CLOSED' } });
    await expect(short.synthesize('tres', 'es')).rejects.toMatchObject({ code: 'CLOSED' });
    await short.close();
  });
});
