import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isClaveError } from '../shared/index.ts';
import { loadOrCreateKeys } from './keys.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'clave-keys-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('loadOrCreateKeys', () => {
  it('makes random in-memory keys without a directory', async () => {
    const a = await loadOrCreateKeys();
    const b = await loadOrCreateKeys();
    expect(a.zpk.length).toBe(16);
    expect(a.dataKey.length).toBe(32);
    expect(a.bank.pvk.length).toBe(16);
    expect(a.bank.secretKey.length).toBe(32);
    expect(a.bank.pvki).toBe(1);
    expect(a.zpk.equals(b.zpk)).toBe(false);
  });

  it('creates keys.json with mode 0600 and reads the same keys back', async () => {
    const dir = join(await tempDir(), 'nested');
    const first = await loadOrCreateKeys(dir);
    const st = await stat(join(dir, 'keys.json'));
    expect(st.mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['keys.json']);
    const again = await loadOrCreateKeys(dir);
    expect(again.zpk.equals(first.zpk)).toBe(true);
    expect(again.bank.secretKey.equals(first.bank.secretKey)).toBe(true);
    const json = JSON.parse(await readFile(join(dir, 'keys.json'), 'utf8')) as { format: string };
    expect(json.format).toBe('clave-keys/1');
  });

  it('two concurrent first starts end with one set of keys', async () => {
    const dir = await tempDir();
    const [a, b] = await Promise.all([loadOrCreateKeys(dir), loadOrCreateKeys(dir)]);
    expect(a.zpk.equals(b.zpk)).toBe(true);
    expect(await readdir(dir)).toEqual(['keys.json']);
  });

  it('refuses a damaged file naming the field, not the value', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'keys.json'),
      JSON.stringify({ format: 'clave-keys/1', zpk: 'abcd', dataKey: '00'.repeat(32), bank: { pvk: '11'.repeat(16), pvki: 1, secretKey: '22'.repeat(32) } }),
    );
    const err = await loadOrCreateKeys(dir).catch((e: unknown) => e);
    expect(isClaveError(err, 'INVALID_CONFIG')).toBe(true);
    expect((err as Error).message).toMatch(/zpk must be 16 bytes in hex/);
    expect((err as Error).message).not.toMatch(/abcd/);
  });
});
