import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeTone } from './fake-engine.test-support.ts';
import { RecordedPrompts } from './recorded-prompts.ts';
import { encodeWav } from './wav-write.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'clave-recorded-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function put(language: string, file: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(path.join(dir, language), { recursive: true });
  await writeFile(path.join(dir, language, file), bytes);
}

describe('RecordedPrompts', () => {
  it('loads WAV files per language and converts them to 8 kHz', async () => {
    await put('es', 'main_menu.wav', encodeWav({ samples: fakeTone(44100, 44100), sampleRate: 44100 }));
    await put('es', 'digit-4.WAV', encodeWav({ samples: fakeTone(800, 8000), sampleRate: 8000 }));
    await put('es', 'notes.txt', 'not audio');
    await put('en', 'goodbye.wav', encodeWav({ samples: fakeTone(16000, 16000), sampleRate: 16000 }));
    const recorded = await RecordedPrompts.load(dir);
    expect(recorded.get('es', 'main_menu')?.length).toBe(8000);
    expect(recorded.get('es', 'digit-4')?.length).toBe(800);
    expect(recorded.get('en', 'goodbye')?.length).toBe(8000);
    expect(recorded.get('en', 'main_menu')).toBeUndefined();
    expect(recorded.ids('es')).toEqual(['digit-4', 'main_menu']);
  });

  it('is empty without a directory, or when the directory does not exist', async () => {
    expect((await RecordedPrompts.load(undefined)).ids('es')).toEqual([]);
    expect((await RecordedPrompts.load(path.join(dir, 'missing'))).ids('es')).toEqual([]);
  });

  it('fails the start naming a malformed or empty file', async () => {
    await put('es', 'goodbye.wav', 'RIFF\u0000\u0000\u0000\u0000WAVEjunk');
    const file = path.join(dir, 'es', 'goodbye.wav');
    await expect(RecordedPrompts.load(dir)).rejects.toMatchObject({ code: 'INVALID_AUDIO', message: `${file}: no "fmt " chunk`, details: { file } });
    await put('es', 'goodbye.wav', encodeWav({ samples: new Int16Array(0), sampleRate: 8000 }));
    await expect(RecordedPrompts.load(dir)).rejects.toMatchObject({ code: 'INVALID_AUDIO', message: `${file}: holds no audio` });
  });
});
