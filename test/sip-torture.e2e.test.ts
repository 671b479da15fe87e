/**
 * The 49 RFC 4475 torture messages, byte-exact from ../shared, sent over UDP
 * to the running line: each gets the answer it deserves (or none), nothing
 * crashes or hangs, and the line still answers afterwards.
 */
import { createSocket } from 'node:dgram';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverKey } from '../src/channel/sip/core/transaction-layer.ts';
import { getHeader, parseMessage, TORTURE_ANSWERS, TORTURE_DIR_URL } from '../src/channel/sip/grammar/index.ts';
import { startTestLine, type TestLine } from './support/line.ts';

const dir = fileURLToPath(TORTURE_DIR_URL);
const present = existsSync(dir);

/** Sends one datagram and gathers the responses that come back within `ms`. */
async function exchange(port: number, data: Buffer, ms = 600): Promise<string[]> {
  const socket = createSocket('udp4');
  const got: string[] = [];
  socket.on('message', (m) => got.push(m.toString('latin1')));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  // The messages name hosts of their own in Via; the answer goes back to the source (rport behaviour).
  socket.send(data, port, '127.0.0.1');
  const until = Date.now() + ms;
  while (Date.now() < until && !got.some((r) => /^SIP\/2\.0 [2-6]\d\d /.test(r))) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 50));
  socket.close();
  return got;
}

describe.skipIf(!present)(`RFC 4475 torture messages over UDP${present ? '' : ` (skipped: ${dir} is absent; CI has ../shared beside the clone)`}`, () => {
  let line: TestLine;
  // Several files reuse one Via branch and sent-by: to a UAS the second is a retransmission of the
  // first (RFC 3261 §17.2.3) and gets the first one's answer, on the first one's address. Such a
  // file is sent to a fresh line instead, so each is judged on its own.
  const seen = new Set<string>();
  async function lineFor(data: Buffer): Promise<TestLine> {
    const parsed = parseMessage(data);
    const key = parsed.ok && parsed.message.kind === 'request' ? serverKey(parsed.message) : undefined;
    if (key && seen.has(key)) {
      await line.close();
      line = await startTestLine({ sip: true });
      seen.clear();
    }
    if (key) seen.add(key);
    return line;
  }
  beforeAll(async () => {
    line = await startTestLine({ sip: true });
  }, 120_000);
  afterAll(async () => {
    await line?.close();
  });

  const files = present ? readdirSync(dir).filter((f) => f.endsWith('.dat')).sort() : [];

  it('has an expected answer for each of the 49 files', () => {
    expect(files).toHaveLength(49);
    for (const f of files) expect(TORTURE_ANSWERS[f.replace(/\.dat$/, '')], f).toBeDefined();
  });

  for (const file of files) {
    const name = file.replace(/\.dat$/, '');
    const expected = TORTURE_ANSWERS[name];
    it(`${name}: ${expected?.answer === 'drop' ? 'dropped' : `answered ${expected?.answer}`}`, async () => {
      const data = readFileSync(`${dir}${file}`);
      const target = await lineFor(data);
      const responses = await exchange(target.sip?.port ?? 0, data);
      const finals = responses.filter((r) => /^SIP\/2\.0 [2-6]\d\d /.test(r));
      if (expected?.answer === 'drop') {
        expect(responses).toEqual([]);
        return;
      }
      expect(finals.length, `no final answer to ${name}`).toBeGreaterThan(0);
      const status = Number(finals[0]?.slice(8, 11));
      if (expected?.answer === 200) {
        // "Handled as a call": these INVITEs dial users no flow answers here, so the call is refused
        // as any unknown number is (404); one that carries a To tag is a request inside a dialog we
        // do not have, which RFC 3261 §12.2.2 answers 481.
        const parsed = parseMessage(data);
        const inDialog = parsed.ok && /;\s*tag\s*=/i.test(getHeader(parsed.message, 'to') ?? '');
        expect(inDialog ? [481] : [200, 404]).toContain(status);
      } else {
        expect(status).toBe(expected?.answer);
      }
      if (expected?.carries) {
        const [header, value] = expected.carries.split(/:\s*/, 2);
        const line = finals[0]?.split('\r\n').find((l) => l.toLowerCase().startsWith(`${header?.toLowerCase()}:`));
        expect(line, `${name} must carry ${expected.carries}`).toBeDefined();
        if (value) for (const token of value.split(/,\s*/)) expect(line).toContain(token);
      }
    });
  }

  it('still answers an OPTIONS ping after all of them', async () => {
    const options = Buffer.from(
      'OPTIONS sip:950183313@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKafter\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:950183313@127.0.0.1>\r\nCall-ID: after-torture\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
    );
    const responses = await exchange(line.sip?.port ?? 0, options);
    expect(responses[0]).toMatch(/^SIP\/2\.0 200 /);
  });
});
