import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { isClaveError } from '../../shared/index.ts';
import {
  decodeGsm7, decodeShortMessage, decodeUcs2, encodeSms, encodeUcs2, gsm7Groups, DATA_CODING_GSM7, DATA_CODING_UCS2, ESM_CLASS_UDHI,
} from './sms-encoding.ts';

// The smpp package's own GSM decoder, an independent reading of the same table.
const library = createRequire(import.meta.url)('smpp') as { gsmCoder: { decode(octets: Buffer, table: number): string } };

const DEFAULT_CHARS =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION_CHARS = '\f^{}\\[~]|€';

function body(part: Buffer | undefined): Buffer {
  if (!part) throw new Error('missing part');
  return part.subarray(6);
}

describe('gsm7Groups (3GPP TS 23.038 §6.2.1)', () => {
  it('maps the default alphabet to its septet values, one octet each', () => {
    expect(gsm7Groups('@£$A a0\n')).toEqual([[0x00], [0x01], [0x02], [0x41], [0x20], [0x61], [0x30], [0x0a]]);
    expect(gsm7Groups('¤¡¿_ΔÉ')).toEqual([[0x24], [0x40], [0x60], [0x11], [0x10], [0x1f]]);
  });

  it('writes extension characters as the 0x1B escape and their code', () => {
    expect(gsm7Groups('€[]{}\\~^|\f')).toEqual([
      [0x1b, 0x65], [0x1b, 0x3c], [0x1b, 0x3e], [0x1b, 0x28], [0x1b, 0x29], [0x1b, 0x2f], [0x1b, 0x3d], [0x1b, 0x14], [0x1b, 0x40], [0x1b, 0x0a],
    ]);
  });

  it('holds é ñ Ñ ü à è ù ì ò Ç but not á í ó ú', () => {
    for (const ch of 'éñÑüàèùìòÇ') expect(gsm7Groups(ch), ch).not.toBeNull();
    for (const ch of 'áíóúÁÍÓÚç`') expect(gsm7Groups(ch), ch).toBeNull();
  });

  it('round-trips every character of both tables, and agrees with the smpp package decoder', () => {
    const all = DEFAULT_CHARS + EXTENSION_CHARS;
    const octets = Buffer.from((gsm7Groups(all) ?? []).flat());
    expect(octets.length).toBe(DEFAULT_CHARS.length + 2 * EXTENSION_CHARS.length);
    expect(decodeGsm7(octets)).toBe(all);
    expect(library.gsmCoder.decode(octets, 0)).toBe(all);
  });
});

describe('decodeGsm7', () => {
  it('shows the default character for an escape the extension table lacks, and U+FFFD for non-septets', () => {
    expect(decodeGsm7(Buffer.from([0x1b, 0x41, 0x42]))).toBe('AB');
    expect(decodeGsm7(Buffer.from([0x41, 0x80]))).toBe('A\uFFFD');
    expect(decodeGsm7(Buffer.from([0x41, 0x1b]))).toBe('A ');
  });
});

describe('UCS-2', () => {
  it('is UTF-16 big-endian', () => {
    expect(encodeUcs2('á€')).toEqual(Buffer.from([0x00, 0xe1, 0x20, 0xac]));
    expect(decodeUcs2(Buffer.from([0x00, 0xf3, 0xd8, 0x3d, 0xde, 0x00]))).toBe('ó😀');
  });
});

describe('encodeSms', () => {
  it('sends a GSM text as unpacked septets with data_coding 0 in one part', () => {
    const sms = encodeSms('Tu contraseña: 4821', 9);
    // Letters, digits, space and colon sit where ASCII has them; ñ is 0x7D.
    const septets = Buffer.concat([Buffer.from('Tu contrase'), Buffer.from([0x7d]), Buffer.from('a: 4821')]);
    expect(sms).toEqual({ dataCoding: DATA_CODING_GSM7, esmClass: 0, parts: [septets] });
  });

  it('sends Spanish accents outside GSM 03.38 as UCS-2 with data_coding 8', () => {
    const sms = encodeSms('Código: 4821', 9);
    expect(sms.dataCoding).toBe(DATA_CODING_UCS2);
    expect(sms.esmClass).toBe(0);
    expect(sms.parts).toEqual([encodeUcs2('Código: 4821')]);
  });

  it('keeps Italian accents of the default alphabet in GSM', () => {
    expect(encodeSms('Perché è così, città', 1).dataCoding).toBe(DATA_CODING_GSM7);
  });

  it('fits 160 septets in one part and splits 161 into 153 + 8 with the concatenation header', () => {
    expect(encodeSms('a'.repeat(160), 1).parts).toHaveLength(1);
    const sms = encodeSms('a'.repeat(161), 0x2a);
    expect(sms.esmClass).toBe(ESM_CLASS_UDHI);
    expect(sms.parts.map((p) => [...p.subarray(0, 6)])).toEqual([[5, 0, 3, 0x2a, 2, 1], [5, 0, 3, 0x2a, 2, 2]]);
    expect(sms.parts.map((p) => p.length)).toEqual([6 + 153, 6 + 8]);
  });

  it('counts an extension character as two septets', () => {
    expect(encodeSms('a'.repeat(158) + '€', 1).parts).toHaveLength(1);
    expect(encodeSms('a'.repeat(159) + '€', 1).parts).toHaveLength(2);
  });

  it('never splits an escape pair', () => {
    const sms = encodeSms('a'.repeat(152) + '€' + 'b'.repeat(10), 1);
    expect(body(sms.parts[0])).toEqual(Buffer.from('a'.repeat(152)));
    expect([...body(sms.parts[1]).subarray(0, 3)]).toEqual([0x1b, 0x65, 0x62]);
  });

  it('fits 70 UCS-2 units in one part and splits 71 into 67 + 4', () => {
    expect(encodeSms('á'.repeat(70), 1).parts.map((p) => p.length)).toEqual([140]);
    const sms = encodeSms('á'.repeat(71), 3);
    expect(sms.parts.map((p) => p.length)).toEqual([6 + 134, 6 + 8]);
    expect([...sms.parts[1]!.subarray(0, 6)]).toEqual([5, 0, 3, 3, 2, 2]);
  });

  it('never splits a surrogate pair', () => {
    const sms = encodeSms('á'.repeat(66) + '😀' + 'é'.repeat(10), 1);
    expect(body(sms.parts[0]).length).toBe(132);
    expect([...body(sms.parts[1]).subarray(0, 4)]).toEqual([0xd8, 0x3d, 0xde, 0x00]);
  });

  it('uses the low octet of the reference', () => {
    expect(encodeSms('x'.repeat(200), 300).parts[0]?.[3]).toBe(300 & 0xff);
  });

  it('sends an empty text as one empty part', () => {
    expect(encodeSms('', 1)).toEqual({ dataCoding: 0, esmClass: 0, parts: [Buffer.alloc(0)] });
  });

  it('allows 255 parts and refuses 256 with DELIVERY_REJECTED', () => {
    expect(encodeSms('a'.repeat(153 * 255), 1).parts).toHaveLength(255);
    let caught: unknown;
    try {
      encodeSms('a'.repeat(153 * 255 + 1), 1);
    } catch (err) {
      caught = err;
    }
    expect(isClaveError(caught, 'DELIVERY_REJECTED')).toBe(true);
    expect((caught as { details: unknown }).details).toEqual({ reason: 'too_long', parts: 256 });
  });
});

describe('decodeShortMessage', () => {
  it('reassembles what encodeSms split, in GSM and in UCS-2', () => {
    for (const text of ['Hola {usuario} €'.repeat(20), 'Contraseña temporal: ÁÉÍÓÚ 😀 '.repeat(6)]) {
      const sms = encodeSms(text, 77);
      const decoded = sms.parts.map((p) => decodeShortMessage(sms.dataCoding, sms.esmClass, p));
      expect(decoded.map((d) => d.concat)).toEqual(sms.parts.map((_, i) => ({ ref: 77, total: sms.parts.length, seq: i + 1 })));
      expect(decoded.map((d) => d.text).join('')).toBe(text);
    }
  });

  it('reads a 16-bit reference header and leaves a text without UDHI alone', () => {
    const part = Buffer.from([6, 0x08, 4, 0x01, 0x02, 3, 2, 0x48, 0x69]);
    expect(decodeShortMessage(0, ESM_CLASS_UDHI, part)).toEqual({
      udh: Buffer.from([0x08, 4, 0x01, 0x02, 3, 2]), concat: { ref: 0x0102, total: 3, seq: 2 }, text: 'Hi',
    });
    expect(decodeShortMessage(0, 0, Buffer.from([0x48, 0x69]))).toEqual({ udh: null, concat: null, text: 'Hi' });
  });
});
