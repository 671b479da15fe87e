import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeEngine, fakeLength, fakeTone } from './fake-engine.test-support.ts';
import { PromptAudioCache } from './prompt-audio-cache.ts';
import { PromptAudio, type PromptCatalogs } from './prompt-audio.ts';
import { RecordedPrompts } from './recorded-prompts.ts';

const catalogs: PromptCatalogs = new Map([
  [
    'es',
    {
      goodbye: 'Gracias por llamar. Adiós.',
      main_menu: 'Para desbloquear o recuperar su usuario, pulse 1.',
      signing_key: 'Su clave de firma es: {key}.',
      signing_key_operation: 'Operación de {amount} {currency} a favor de {payee}.',
    },
  ],
]);
const signingKey = { id: 'signing_key', text: 'Su clave de firma es: 4 8 2 1 5 5 0 9.', params: { key: '4 8 2 1 5 5 0 9' }, language: 'es' };
/** 8 digit clips of 160 samples with 250 ms (2000 samples) between them. */
const KEY_LENGTH = 8 * fakeLength('4') + 7 * 2000;

let dir: string;
let engine: FakeEngine;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'clave-prompts-'));
  engine = new FakeEngine();
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function prompts(options: { recorded?: RecordedPrompts; withCatalogs?: boolean } = {}): PromptAudio {
  return new PromptAudio({
    cache: new PromptAudioCache({ engine, dir }),
    ...(options.withCatalogs === false ? {} : { catalogs }),
    ...(options.recorded ? { recorded: options.recorded } : {}),
  });
}

describe('PromptAudio', () => {
  it('serves a fixed prompt from the cache after the first synthesis, synchronously through peek', async () => {
    const p = prompts();
    const goodbye = { id: 'goodbye', text: 'Gracias por llamar. Adiós.', params: {}, language: 'es' };
    expect(p.peek(goodbye)).toBeUndefined();
    const first = await p.getPromptAudio(goodbye);
    expect(first.length).toBe(fakeLength(goodbye.text));
    expect(p.peek(goodbye)).toBe(first);
    expect(await p.getPromptAudio(goodbye)).toBe(first);
    expect(engine.calls.length).toBe(1);
  });

  it('plays a recording instead of synthesis', async () => {
    const recording = fakeTone(4000, 8000);
    const p = prompts({ recorded: new RecordedPrompts(new Map([['es', new Map([['goodbye', recording]])]])) });
    const goodbye = { id: 'goodbye', text: 'Gracias por llamar. Adiós.', params: {}, language: 'es' };
    expect(p.peek(goodbye)).toBe(recording);
    expect(await p.getPromptAudio(goodbye)).toBe(recording);
    expect(engine.calls).toEqual([]);
  });

  it('reads digits from one cached clip per digit, with pauses', async () => {
    const p = prompts();
    expect((await p.speakDigits('48215509', 'es')).length).toBe(KEY_LENGTH);
    expect(engine.calls.map((c) => c.text).sort()).toEqual(['0', '1', '2', '4', '5', '8', '9']);
    expect((await p.speakDigits('9 9 0', 'es')).length).toBe(3 * fakeLength('4') + 2 * 2000);
    expect(engine.calls.length).toBe(7);
    expect((await p.speakDigits('', 'es')).length).toBe(0);
  });

  it('refuses anything but digits, without echoing the value', async () => {
    await expect(prompts().speakDigits('48x1', 'es')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: 'speakDigits takes decimal digits only' });
  });

  it('assembles a signing key prompt from a cached fixed piece and digit clips, never synthesizing the key', async () => {
    const audio = await prompts().getPromptAudio(signingKey);
    expect(audio.length).toBe(fakeLength('Su clave de firma es:') + 1200 + KEY_LENGTH);
    expect(engine.calls.map((c) => c.text)).not.toContain('4 8 2 1 5 5 0 9');
    expect(engine.calls.every((c) => c.text.length === 1 || c.text === 'Su clave de firma es:')).toBe(true);
    // On disk: the fixed piece and the 7 distinct digits, nothing else.
    expect(await readdir(dir)).toHaveLength(8);
  });

  it('splits on the values found in the text when it has no catalog', async () => {
    const withCatalog = await prompts().getPromptAudio(signingKey);
    const calls = engine.calls.length;
    const without = await prompts({ withCatalogs: false }).getPromptAudio(signingKey);
    expect(without.length).toBe(withCatalog.length);
    expect(engine.calls.length).toBe(calls);
  });

  it('synthesizes other values in memory only', async () => {
    const p = prompts();
    const operation = {
      id: 'signing_key_operation',
      text: 'Operación de 125,50 euros a favor de Electricidad Norte.',
      params: { amount: '125,50', currency: 'euros', payee: 'Electricidad Norte' },
      language: 'es',
    };
    const audio = await p.audioFor({ promptId: operation.id, text: operation.text, params: operation.params, language: 'es' });
    const pieces = ['Operación de', '125,50', 'euros', 'a favor de', 'Electricidad Norte'];
    expect(audio.length).toBe(pieces.reduce((n, t) => n + fakeLength(t), 0) + 4 * 1200);
    expect(await readdir(dir)).toHaveLength(2); // the two fixed pieces
    await p.getPromptAudio(operation);
    expect(engine.calls.length).toBe(5);
  });

  it('says a prompt whole and keeps it nowhere when its values are not in its text', async () => {
    const p = prompts({ withCatalogs: false });
    const odd = { id: 'x', text: 'Su clave es la de siempre.', params: { key: '1 2 3' }, language: 'es' };
    expect((await p.getPromptAudio(odd)).length).toBe(fakeLength(odd.text));
    await p.getPromptAudio(odd);
    expect(engine.calls.length).toBe(2);
    expect(await readdir(dir)).toEqual([]);
  });

  it('uses piece and digit recordings in assembled prompts, and ignores a whole recording of them', async () => {
    const piece = fakeTone(3000, 8000);
    const four = fakeTone(500, 8000);
    const recorded = new RecordedPrompts(new Map([['es', new Map([['signing_key.1', piece], ['digit-4', four], ['signing_key', fakeTone(9, 8000)]])]]));
    const audio = await prompts({ recorded }).getPromptAudio({ ...signingKey, text: 'Su clave de firma es: 4 4.', params: { key: '4 4' } });
    expect(audio.length).toBe(3000 + 1200 + 500 + 2000 + 500);
    expect(engine.calls).toEqual([]);
  });

  it('warms the catalogs: whole fixed prompts, fixed pieces and the ten digits, skipping recordings', async () => {
    const recorded = new RecordedPrompts(new Map([['es', new Map([['main_menu', fakeTone(800, 8000)], ['digit-0', fakeTone(800, 8000)]])]]));
    const p = prompts({ recorded });
    const report = await p.warm();
    // goodbye, "Su clave de firma es:", "Operación de", "a favor de", digits 1–9
    expect(report).toMatchObject({ total: 13, synthesized: 13 });
    expect(engine.calls.map((c) => c.text)).toContain('Gracias por llamar. Adiós.');
    expect(engine.calls.map((c) => c.text)).not.toContain('Para desbloquear o recuperar su usuario, pulse 1.');
    engine.calls.length = 0;
    await p.getPromptAudio(signingKey);
    await p.getPromptAudio({ id: 'goodbye', text: 'Gracias por llamar. Adiós.', params: {}, language: 'es' });
    expect(engine.calls).toEqual([]);
  });
});
