import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sensitive } from '../shared/index.ts';
import { computePvv } from './pvv.ts';

const PVK = Buffer.from('0123456789ABCDEFFEDCBA9876543210', 'hex');

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** The PVV computed by the openssl command line, independent of node:crypto's wrapper and our code. */
function opensslPvv(pan: string, pvki: number, pin: string, pvk: Buffer): string {
  const tsp = Buffer.from(pan.slice(-12, -1) + String(pvki) + pin.slice(0, 4), 'hex');
  const out = execFileSync('openssl', ['enc', '-des-ede', '-K', pvk.toString('hex'), '-nopad', '-e'], { input: tsp });
  const hex = out.toString('hex');
  const first = [...hex].filter((c) => c <= '9');
  const second = [...hex].filter((c) => c >= 'a').map((c) => String(parseInt(c, 16) - 10));
  return [...first, ...second].slice(0, 4).join('');
}

describe('Visa PVV', () => {
  // Published vectors: knovichikhin/psec, tests/test_pin.py (test_generate_visa_pvv).
  it.each([
    ['1122334455667788', 1, '4524', '8523'],
    ['1122334455667788', 2, '1912', '3244'],
    ['1122334455667718', 1, '0570', '3144'],
    ['1122334455667708', 1, '8299', '4422'],
  ])('PAN %s PVKI %i PIN %s gives %s', (pan, pvki, pin, pvv) => {
    expect(computePvv(pan, new Sensitive(pin), pvki, PVK)).toBe(pvv);
  });

  it('agrees with the openssl command line on random keys', () => {
    // openssl ships with every supported platform image; the assertion only
    // runs where the binary is present, the vectors above always run.
    if (!hasOpenssl()) {
      console.warn('openssl not found: the independent openssl cross-check was not run');
      return;
    }
    for (let i = 0; i < 8; i++) {
      const pvk = randomBytes(16);
      const pan = '4000001234' + String(100000 + i * 7919).padStart(6, '0');
      const pin = String(1000 + i * 1111).slice(0, 4);
      expect(computePvv(pan, new Sensitive(pin), 1, pvk)).toBe(opensslPvv(pan, 1, pin, pvk));
    }
  });

  it('uses only the first 4 PIN digits, as Visa defines', () => {
    expect(computePvv('1122334455667788', new Sensitive('452499'), 1, PVK)).toBe('8523');
  });

  it('changes with the PIN, the PVKI and the key', () => {
    const base = computePvv('1122334455667788', new Sensitive('4524'), 1, PVK);
    expect(computePvv('1122334455667788', new Sensitive('4525'), 1, PVK)).not.toBe(base);
    expect(computePvv('1122334455667788', new Sensitive('4524'), 1, randomBytes(16))).toMatch(/^\d{4}$/);
  });

  it('rejects bad inputs', () => {
    expect(() => computePvv('11223344', new Sensitive('4524'), 1, PVK)).toThrow(/PAN/);
    expect(() => computePvv('1122334455667788', new Sensitive('45'), 1, PVK)).toThrow(/PIN/);
    expect(() => computePvv('1122334455667788', new Sensitive('4524'), 10, PVK)).toThrow(/PVKI/);
  });
});
