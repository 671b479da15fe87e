import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeEngine, fakeLength } from './fake-engine.test-support.ts';
import { PromptAudioCache } from './prompt-audio-cache.ts';
import { parseWav } from './wav-read.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'clave-speech-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('PromptAudioCache', () => {
  it('synthesizes once, resamples to 8 kHz, and serves hits from memory', async () => {
    const engine = new FakeEngine();
    const cache = new PromptAudioCache({ engine, dir });
    expect(cache.peek('es', 'Adiós.')).toBeUndefined();
    const first = await cache.get('es', 'Adiós.');
    expect(first.length).toBe(fakeLength('Adiós.'));
    const second = await cache.get('es', 'Adiós.');
    expect(second).toBe(first);
    expect(cache.peek('es', 'Adiós.')).toBe(first);
    expect(engine.calls).toEqual([{ text: 'Adiós.', language: 'es' }]);
  });

  it('shares one synthesis between concurrent requests for the same text', async () => {
    const engine = new FakeEngine();
    const cache = new PromptAudioCache({ engine });
    const [a, b] = await Promise.all([cache.get('en', 'Goodbye.'), cache.get('en', 'Goodbye.')]);
    expect(a).toBe(b);
    expect(engine.calls.length).toBe(1);
  });

  it('keeps languages apart', async () => {
    const engine = new FakeEngine();
    const cache = new PromptAudioCache({ engine });
    await cache.get('es', 'No');
    await cache.get('en', 'No');
    expect(engine.calls).toEqual([{ text: 'No', language: 'es' }, { text: 'No', language: 'en' }]);
  });

  it('survives a new instance through the disk, without temporary files left over', async () => {
    const first = await new PromptAudioCache({ engine: new FakeEngine(), dir }).get('es', 'Gracias por llamar.');
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{64}\.wav$/);
    const stored = parseWav(await readFile(path.join(dir, files[0] as string)), 'x');
    expect(stored.sampleRate).toBe(8000);

    const engine = new FakeEngine();
    const again = await new PromptAudioCache({ engine, dir }).get('es', 'Gracias por llamar.');
    expect([...again]).toEqual([...first]);
    expect(engine.calls).toEqual([]);
  });

  it('synthesizes again when the engine version changes', async () => {
    await new PromptAudioCache({ engine: new FakeEngine('fake-1'), dir }).get('es', 'Hola');
    const engine = new FakeEngine('fake-2');
    await new PromptAudioCache({ engine, dir }).get('es', 'Hola');
    expect(engine.calls.length).toBe(1);
    expect(await readdir(dir)).toHaveLength(2);
  });

  it('replaces a damaged disk file instead of failing', async () => {
    await new PromptAudioCache({ engine: new FakeEngine(), dir }).get('es', 'Hola');
    const [file] = await readdir(dir);
    await writeFile(path.join(dir, file as string), 'RIFF garbage');
    const engine = new FakeEngine();
    const samples = await new PromptAudioCache({ engine, dir }).get('es', 'Hola');
    expect(samples.length).toBe(fakeLength('Hola'));
    expect(engine.calls.length).toBe(1);
    const repaired = await new PromptAudioCache({ engine: new FakeEngine(), dir }).get('es', 'Hola');
    expect([...repaired]).toEqual([...samples]);
  });

  it('keeps persist:false clips off the disk', async () => {
    const cache = new PromptAudioCache({ engine: new FakeEngine(), dir });
    await cache.get('es', 'Electricidad Norte', { persist: false });
    expect(await readdir(dir)).toEqual([]);
    expect(cache.peek('es', 'Electricidad Norte')).toBeDefined();
  });

  it('warms every missing entry with at most two syntheses at once', async () => {
    const engine = new FakeEngine();
    const cache = new PromptAudioCache({ engine, dir });
    await cache.get('es', 'uno');
    const texts = ['uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'dos'];
    engine.hold();
    const warming = cache.warm(texts.map((text) => ({ language: 'es', text })));
    // Five to synthesize, two lanes: two at once, two at once, then the last alone.
    for (const batch of [2, 2, 1]) {
      await vi.waitFor(() => expect(engine.waiting).toBe(batch));
      engine.release();
    }
    const report = await warming;
    expect(report).toMatchObject({ total: 6, fromMemory: 1, fromDisk: 0, synthesized: 5 });
    expect(engine.maxConcurrent).toBe(2);
    for (const text of texts) expect(cache.peek('es', text)).toBeDefined();

    const later = await new PromptAudioCache({ engine: new FakeEngine(), dir }).warm([{ language: 'es', text: 'seis' }]);
    expect(later).toMatchObject({ total: 1, fromDisk: 1, synthesized: 0 });
  });

  it('warms what it can and then reports the first failure', async () => {
    const cache = new PromptAudioCache({ engine: new FakeEngine() });
    await expect(cache.warm([{ language: 'fr', text: 'Bonjour' }, { language: 'es', text: 'Hola' }])).rejects.toMatchObject({ code: 'SPEECH_FAILED' });
    expect(cache.peek('es', 'Hola')).toBeDefined();
  });

  it('evicts the least recently used clips beyond its memory budget', async () => {
    const engine = new FakeEngine();
    const clip = fakeLength('aaaa') * 2;
    const cache = new PromptAudioCache({ engine, maxBytes: clip * 2 });
    await cache.get('es', 'aaaa');
    await cache.get('es', 'bbbb');
    await cache.get('es', 'aaaa');
    await cache.get('es', 'cccc');
    expect(cache.peek('es', 'aaaa')).toBeDefined();
    expect(cache.peek('es', 'bbbb')).toBeUndefined();
  });
});
