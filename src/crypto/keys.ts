import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClaveError } from '../shared/index.ts';

export interface ClaveKeys {
  /** Zone PIN key shared by the line and the bank (2-key TDES, 16 bytes). */
  zpk: Buffer;
  /** The line's at-rest encryption key (AES-256, 32 bytes). */
  dataKey: Buffer;
  bank: {
    /** PIN verification key (2-key TDES, 16 bytes). */
    pvk: Buffer;
    /** PIN verification key index, 0–9 (Visa recommends 1–6). */
    pvki: number;
    /** The bank's HMAC key for codes and temporary passwords (32 bytes). */
    secretKey: Buffer;
  };
}

const FILE = 'keys.json';

/**
 * The keys of a deployment. With `dataDir`, reads `keys.json` there or
 * creates it (random keys, mode 0600, written whole before it appears so a
 * crash never leaves half a file, and never overwriting one another process
 * created meanwhile). Without, random keys that live in memory only (tests).
 *
 * @example
 *   const keys = await loadOrCreateKeys('/var/lib/clave');
 *   keys.zpk.length; // 16
 */
export async function loadOrCreateKeys(dataDir?: string): Promise<ClaveKeys> {
  if (dataDir === undefined) return randomKeys();
  const path = join(dataDir, FILE);
  const existing = await readKeys(path);
  if (existing) return existing;
  await mkdir(dataDir, { recursive: true });
  const keys = randomKeys();
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, JSON.stringify(toJson(keys), null, 2) + '\n', { mode: 0o600, flush: true });
  try {
    // link() fails when keys.json exists: two first starts racing keep one set of keys.
    await link(tmp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      await unlink(tmp);
      const winner = await readKeys(path);
      if (winner) return winner;
      throw new ClaveError('INVALID_CONFIG', `${path} could not be read after creation`);
    }
    // Filesystems without hard links: fall back to rename (atomic, last writer wins).
    await rename(tmp, path);
    return keys;
  }
  await unlink(tmp);
  return keys;
}

function randomKeys(): ClaveKeys {
  return {
    zpk: randomBytes(16),
    dataKey: randomBytes(32),
    bank: { pvk: randomBytes(16), pvki: 1, secretKey: randomBytes(32) },
  };
}

interface KeysFile {
  format: 'clave-keys/1';
  zpk: string;
  dataKey: string;
  bank: { pvk: string; pvki: number; secretKey: string };
}

function toJson(k: ClaveKeys): KeysFile {
  return {
    format: 'clave-keys/1',
    zpk: k.zpk.toString('hex'),
    dataKey: k.dataKey.toString('hex'),
    bank: { pvk: k.bank.pvk.toString('hex'), pvki: k.bank.pvki, secretKey: k.bank.secretKey.toString('hex') },
  };
}

async function readKeys(path: string): Promise<ClaveKeys | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let json: Partial<KeysFile>;
  try {
    json = JSON.parse(text) as Partial<KeysFile>;
  } catch {
    throw new ClaveError('INVALID_CONFIG', `${path} is not valid JSON`);
  }
  const pvki = json.bank?.pvki;
  if (typeof pvki !== 'number' || !Number.isInteger(pvki) || pvki < 0 || pvki > 9) {
    throw new ClaveError('INVALID_CONFIG', `${path}: bank.pvki must be a digit 0-9`);
  }
  return {
    zpk: hexKey(path, 'zpk', json.zpk, 16),
    dataKey: hexKey(path, 'dataKey', json.dataKey, 32),
    bank: {
      pvk: hexKey(path, 'bank.pvk', json.bank?.pvk, 16),
      pvki,
      secretKey: hexKey(path, 'bank.secretKey', json.bank?.secretKey, 32),
    },
  };
}

function hexKey(path: string, field: string, value: unknown, bytes: number): Buffer {
  if (typeof value !== 'string' || !new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(value)) {
    // The message names the field, never the value.
    throw new ClaveError('INVALID_CONFIG', `${path}: ${field} must be ${bytes} bytes in hex`);
  }
  return Buffer.from(value, 'hex');
}
