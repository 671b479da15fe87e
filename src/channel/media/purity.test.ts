import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as media from './index.ts';

const here = import.meta.dirname;

/** Production sources of this folder: everything but tests and test helpers. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' ? [] : sources(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

// ARCHITECTURE.md: "No module under channel/sip/grammar or channel/media/rtp
// imports anything with I/O." Held for the whole media folder.
describe('media purity', () => {
  it('imports no Node module, no clock and no logger', () => {
    const offenders: string[] = [];
    let imports = 0;
    for (const file of sources(here)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^;]*?from\s+'([^']+)'/gm)) {
        const spec = m[1]!;
        imports++;
        const allowed = spec.startsWith('./') || spec.startsWith('../') ? !spec.includes('/log/') : false;
        if (!allowed) offenders.push(`${path.relative(here, file)} → ${spec}`);
      }
      if (/\bDate\.now\(|\bsetTimeout\(|\bsetInterval\(|performance\.now\(/.test(readFileSync(file, 'utf8'))) offenders.push(`${path.relative(here, file)} reads a clock`);
    }
    expect(offenders).toEqual([]);
    // The scan itself works: it saw the folder's own imports.
    expect(imports).toBeGreaterThan(30);
  });

  it('exports the codecs through index.ts', () => {
    expect(typeof media.parseRtp).toBe('function');
    expect(typeof media.answerAudioOffer).toBe('function');
    expect(typeof media.TelephoneEventDetector).toBe('function');
    expect(typeof media.InbandDtmfDetector).toBe('function');
    expect(media.g711Codec('PCMU').silence).toBe(0xff);
  });
});
