import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isClaveError } from '../../../shared/index.ts';
import { tryParseContentType } from './content-type.ts';
import { tryParseCSeq } from './cseq.ts';
import { headerKey } from './header-names.ts';
import { getHeaders } from './headers.ts';
import type { SipMessage } from './message.ts';
import { tryParseNameAddr } from './name-addr.ts';
import { MAX_HEADER_BYTES, parseMessage, parseStream } from './parse.ts';
import type { ParseResult, SipParseErrorCode } from './parse-error.ts';
import { serializeMessage } from './serialize.ts';
import { COMPACT, RFC_EXAMPLES } from './test-examples.ts';
import { TORTURE_DIR_URL } from './torture-answers.ts';
import { parseVia, tryParseVia } from './via.ts';

const CODES = new Set<SipParseErrorCode>([
  'EMPTY', 'INCOMPLETE', 'TRUNCATED', 'TOO_LARGE', 'MALFORMED_START_LINE', 'BAD_VERSION', 'BAD_REQUEST_URI',
  'BAD_HEADER', 'MISSING_HEADER', 'DUPLICATE_HEADER', 'BAD_CONTENT_LENGTH', 'BAD_CSEQ', 'CSEQ_METHOD_MISMATCH',
]);

/** Messages that parse whole over both transports (Content-Length present and exact). */
function corpus(): Map<string, Buffer> {
  const all = new Map<string, Buffer>(Object.entries({ ...RFC_EXAMPLES, compact: COMPACT }).map(([k, v]) => [k, Buffer.from(v)]));
  const dir = fileURLToPath(TORTURE_DIR_URL);
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.dat'))) all.set(f, readFileSync(dir + f));
  }
  for (const [name, buf] of all) {
    const r = parseStream(buf);
    if (!r.ok || r.consumed !== buf.length) all.delete(name);
  }
  return all;
}

/** A small deterministic generator (xorshift32), so a failure replays. */
function random(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

const INTERESTING = [0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x3b, 0x2c, 0x22, 0x3c, 0x3e, 0x25, 0x5c, 0x00, 0xff, 0x40, 0x3d, 0x2f, 0x5b, 0x5d];

/** Whatever the input, a result of the documented shape, and an accepted message survives a round trip. */
function checkSound(r: ParseResult, input: Buffer): void {
  if (!r.ok) {
    expect(CODES.has(r.error.code)).toBe(true);
    expect(typeof r.error.message).toBe('string');
    if (r.error.consumed !== undefined) expect(r.error.consumed).toBeLessThanOrEqual(input.length);
    return;
  }
  expect(r.consumed).toBeLessThanOrEqual(input.length);
  for (const [, value] of r.message.headers) {
    tryParseVia(value);
    tryParseNameAddr(value);
    tryParseCSeq(value);
    tryParseContentType(value);
  }
  for (const via of getHeaders(r.message, 'via')) expect(() => parseVia(via)).not.toThrow();
  // Serializing rewrites Content-Length to the body's length; all else comes back as it was.
  const again = parseMessage(serializeMessage(r.message));
  expect(again.ok).toBe(true);
  if (!again.ok) return;
  const withoutLength = (m: SipMessage) => m.headers.filter(([n]) => headerKey(n) !== 'content-length');
  expect(withoutLength(again.message)).toEqual(withoutLength(r.message));
  expect(getHeaders(again.message, 'Content-Length')).toEqual([String(r.message.body.length)]);
  expect(again.message.body.equals(r.message.body)).toBe(true);
}

describe('truncated and corrupted messages', () => {
  const messages = corpus();

  it('has a corpus to work on', () => {
    expect(messages.size).toBeGreaterThanOrEqual(Object.keys(RFC_EXAMPLES).length + 1);
  });

  it('cut at every 7th byte: a datagram fails with a truncation code, a stream waits', () => {
    for (const [name, buf] of messages) {
      for (let cut = 0; cut < buf.length; cut += 7) {
        const part = buf.subarray(0, cut);
        const udp = parseMessage(part);
        expect(udp.ok, `${name} cut at ${cut}`).toBe(false);
        if (!udp.ok) expect(['EMPTY', 'TRUNCATED', 'BAD_CONTENT_LENGTH'], `${name} cut at ${cut}`).toContain(udp.error.code);
        const tcp = parseStream(part);
        expect(!tcp.ok && tcp.error.code, `${name} cut at ${cut}`).toBe('INCOMPLETE');
      }
    }
  });

  it('with bytes flipped: never throws, always a known code or a message that round-trips', () => {
    const next = random(4475);
    for (const [, buf] of messages) {
      for (let round = 0; round < 60; round++) {
        const copy = Buffer.from(buf);
        const flips = 1 + Math.floor(next() * 3);
        for (let f = 0; f < flips; f++) {
          const at = Math.floor(next() * copy.length);
          copy[at] = next() < 0.5 ? (INTERESTING[Math.floor(next() * INTERESTING.length)] ?? 0) : Math.floor(next() * 256);
        }
        const cut = next() < 0.2 ? copy.subarray(0, Math.floor(next() * copy.length)) : copy;
        checkSound(parseMessage(cut), cut);
        checkSound(parseStream(cut), cut);
      }
    }
  });

  it('stays fast on inputs built to make a backtracking parser crawl', () => {
    const head = 'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n';
    const n = MAX_HEADER_BYTES - 2000;
    const nasty = [
      `OPTIONS ${' '.repeat(n)}x y\r\n\r\n`,
      `${head}X${' '.repeat(n)}y: v\r\nContent-Length: 0\r\n\r\n`,
      head.replace('Via: SIP/2.0/UDP h', `Via: SIP/2.0/UDP [${':'.repeat(n)}x]`) + 'Content-Length: 0\r\n\r\n',
      head.replace('From: <sip:a@b>', `From: "${'\\"'.repeat(n / 2)} <sip:a@b>`) + 'Content-Length: 0\r\n\r\n',
      head.replace('CSeq: 1 OPTIONS', `CSeq: ${'0'.repeat(n)}1 OPTIONS`) + 'Content-Length: 0\r\n\r\n',
      `${head}Content-Length: ${'0'.repeat(n)}\r\n\r\n`,
      `${'\r\n'.repeat(n)}${head}Content-Length: 0\r\n\r\n`,
      `${head}${'X: ;,;,\r\n'.repeat(n / 10)}Content-Length: 0\r\n\r\n`,
    ];
    const started = performance.now();
    for (const text of nasty) {
      const input = Buffer.from(text);
      checkSound(parseMessage(input), input);
      checkSound(parseStream(input), input);
    }
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('throws only ClaveError MALFORMED_SIP from the throwing value parsers', () => {
    const next = random(3261);
    const alphabet = 'sip:@;=<>",[]% \\/.:abcXYZ019';
    for (let i = 0; i < 2000; i++) {
      let s = '';
      const len = Math.floor(next() * 40);
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(next() * alphabet.length)];
      try {
        parseVia(s);
      } catch (err) {
        expect(isClaveError(err, 'MALFORMED_SIP')).toBe(true);
      }
    }
  });
});
