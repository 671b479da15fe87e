import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measure } from './audio-metrics.test-support.ts';
import { trimSilence } from './clip-edit.ts';
import { createSpeech } from './create-speech.ts';

// A real espeak-ng run over a tiny catalog: the unit tests use a fake engine.
const catalogs = new Map<string, Record<string, string>>([
  ['es', { language_menu: 'Para castellano, pulse 1.', signing_key: 'Su clave de firma es: {key}.' }],
  ['en', { language_menu: 'For English, press 2.' }],
]);

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'clave-speech-data-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

describe('createSpeech with espeak-ng', () => {
  it('warms a catalog to disk, then starts from the disk without synthesizing', async () => {
    const speech = await createSpeech({ dataDir, catalogs });
    try {
      // es: the menu, "Su clave de firma es:", 10 digits; en: the menu, 10 digits.
      expect(await speech.prompts.warm()).toMatchObject({ total: 23, synthesized: 23, fromDisk: 0 });
      const menu = speech.prompts.peek({ id: 'language_menu', text: 'Para castellano, pulse 1.', params: {}, language: 'es' });
      expect(menu && measure(menu, 8000).seconds).toBeGreaterThan(0.8);

      const key = await speech.prompts.speakDigits('48215509', 'es');
      const clip = (d: string) => trimSilence(speech.cache.peek('es', d) ?? new Int16Array(0)).length;
      const expected = [...'48215509'].reduce((n, d) => n + clip(d), 0) + 7 * 2000;
      expect(key.length).toBe(expected);
      const seconds = measure(key, 8000).seconds;
      expect(seconds).toBeGreaterThan(3);
      expect(seconds).toBeLessThan(8);
    } finally {
      await speech.close();
    }

    const again = await createSpeech({ dataDir, catalogs });
    try {
      expect(await again.prompts.warm()).toMatchObject({ total: 23, synthesized: 0, fromDisk: 23 });
    } finally {
      await again.close();
    }
  });
});
