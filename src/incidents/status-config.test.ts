import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClaveError } from '../shared/index.ts';
import { DEFAULT_STATUS_CONFIG, loadStatusConfig, parseStatusConfig } from './status-config.ts';

function errorOf(fn: () => unknown): ClaveError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ClaveError) return err;
    throw err;
  }
  throw new Error('accepted');
}

const minimal = () => ({ languages: ['es', 'en'], markets: [{ id: 'ES', name: { es: 'España', en: 'Spain' }, callingCodes: ['34'] }], components: [{ id: 'atm', name: { es: 'Cajeros', en: 'ATMs' } }] });

describe('status configuration', () => {
  it('ships the default components, markets and languages', () => {
    expect(DEFAULT_STATUS_CONFIG.languages).toEqual(['es', 'en']);
    expect(DEFAULT_STATUS_CONFIG.timeZone).toBe('Europe/Madrid');
    expect(DEFAULT_STATUS_CONFIG.components.map((c) => c.id)).toEqual(['ebanking', 'mobile-app', 'card-payments', 'atm', 'transfers', 'phone-banking', 'sms-codes']);
    expect(DEFAULT_STATUS_CONFIG.components.every((c) => c.name['es'] && c.name['en'] && c.lines === undefined)).toBe(true);
    expect(DEFAULT_STATUS_CONFIG.markets).toEqual([
      { id: 'ES', name: { es: 'España', en: 'Spain' }, callingCodes: ['34'] },
      { id: 'IT', name: { es: 'Italia', en: 'Italy' }, callingCodes: ['39'] },
    ]);
  });

  it('names the bad field', () => {
    const noEnglish = minimal();
    noEnglish.components[0]!.name = { es: 'Cajeros' } as never;
    expect(errorOf(() => parseStatusConfig(noEnglish, 'status.yaml'))).toMatchObject({
      code: 'INVALID_CONFIG',
      message: 'status.yaml: components.0.name.en: missing (every configured language needs a name)',
      details: { field: 'components.0.name.en' },
    });
    expect(errorOf(() => parseStatusConfig({ ...minimal(), components: [...minimal().components, ...minimal().components] }, 's')).message).toBe('s: components.1.id: duplicate id "atm"');
    expect(errorOf(() => parseStatusConfig({ ...minimal(), timeZone: 'Mars/Olympus' }, 's')).message).toBe('s: timeZone: unknown IANA time zone "Mars/Olympus"');
    expect(errorOf(() => parseStatusConfig({ ...minimal(), components: [{ id: 'ATM!', name: { es: 'a', en: 'b' } }] }, 's')).message).toContain('s: components.0.id:');
    expect(errorOf(() => parseStatusConfig({ ...minimal(), markets: [{ id: 'ES', name: { es: 'a', en: 'b' }, callingCodes: ['+34'] }] }, 's')).message).toContain('s: markets.0.callingCodes.0:');
    expect(errorOf(() => parseStatusConfig({ ...minimal(), colour: 'red' }, 's')).message).toContain('colour');
  });

  it('loads a file, and refuses bad YAML with the file name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clave-status-'));
    const good = join(dir, 'good.yaml');
    await writeFile(good, 'languages: [en]\nmarkets: []\ncomponents:\n  - id: calls\n    name: { en: Calls }\n    lines: ["+34950183313"]\n');
    expect(await loadStatusConfig(good)).toEqual({ languages: ['en'], timeZone: 'Europe/Madrid', markets: [], components: [{ id: 'calls', name: { en: 'Calls' }, lines: ['+34950183313'] }] });
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'languages: [en\n');
    await expect(loadStatusConfig(bad)).rejects.toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringContaining(`${bad}: not valid YAML`) as string });
    await expect(loadStatusConfig(join(dir, 'none.yaml'))).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });
});
