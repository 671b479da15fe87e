/**
 * No PIN, key, code or password in clear in the store, the logs or the call
 * records, after every kind of call has run.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallResult } from '../src/channel/index.ts';
import { containsToken, dumpStore } from './support/dump.ts';
import { eventually, startTestLine, type TestLine } from './support/line.ts';

const DEMO = fileURLToPath(new URL('../datasets/demo-bank.json', import.meta.url));

let line: TestLine;
const results: CallResult[] = [];
beforeAll(async () => {
  line = await startTestLine();
  const calls: [string, string][] = [
    ['+34600111222', '2 1 1 1 12345678 4821 2580'], // e-banking: password by SMS
    ['+34611222333', '2 1 2 2 0 1234567 1357 8642'], // phone banking: access code
    ['+34600111222', '2 2 1 12345678 40718253 9034 7413'], // unlock code
    ['+34600111222', '2 3 2 1 12345678 55102938 4821 2580'], // signing key
    ['+34633444555', '2 3 1 1 71593024 2468 3690 1122 9517'], // blocked card, then signature
    ['+34644555666', '2 1 1 2 1 4829173 5050 1111'], // wrong PIN, then hang up
  ];
  for (const [from, keys] of calls) results.push(await line.call(from, '950183313', keys));
  await eventually(async () => ((await line.mailbox()).length >= 6 ? true : undefined));
}, 120_000);
afterAll(async () => {
  await line?.close();
});

describe('secrets stay secret', () => {
  it('ran the calls it meant to', () => {
    expect(results.map((r) => r.outcome)).toEqual([
      'ebanking_user_recovered',
      'phonebanking_user_recovered',
      'operation_unlocked',
      'signing_key_read',
      'signature_unlocked',
      'caller_hung_up',
    ]);
  });

  it('keeps no demo PIN and no issued secret in the store, the logs or the API', async () => {
    const dataset = JSON.parse(await readFile(DEMO, 'utf8')) as { customers: { cards: { pin: string }[] }[] };
    const pins = dataset.customers.flatMap((c) => c.cards.map((card) => card.pin));
    expect(pins.length).toBeGreaterThan(5);

    const mailbox = await line.mailbox();
    const issued = mailbox.flatMap((m) => {
      const secret = /(?:password is|contraseña temporal es|access code is|operation \d+:)\s*(\S+?)(?:[ .,]|$)/.exec(m.text)?.[1];
      return secret ? [secret] : [];
    });
    const keys = results.flatMap((r) => r.events.flatMap((e) => (e.type === 'prompt' && e.id === 'signing_key' ? [(e.params['key'] ?? '').replace(/\D/g, '')] : [])));
    expect(issued.length).toBe(3);
    expect(keys).toHaveLength(1);

    // A card's PIN verification value is 4 digits too and may equal some PIN
    // by chance (1 in 10,000 per card): it is the bank's legitimate check
    // value, not the PIN, so it is left out of the search.
    const store = (await dumpStore(line.db)).replace(/"pvv":"\d+"/g, '"pvv":"-"');
    const logs = line.logLines.join('');
    const api = JSON.stringify([await line.api('/api/calls?limit=500'), await line.api('/api/outbox?limit=500')]);
    expect(store.length).toBeGreaterThan(1000);
    expect(logs.length).toBeGreaterThan(100);
    for (const secret of [...pins, ...issued, ...keys]) {
      expect(containsToken(store, secret), `store holds ${secret.length}-char secret`).toBe(false);
      expect(containsToken(logs, secret), `logs hold ${secret.length}-char secret`).toBe(false);
      expect(containsToken(api, secret), `API shows ${secret.length}-char secret`).toBe(false);
    }
    for (const key of keys) expect(store.includes(key.split('').join(' '))).toBe(false);
  });

  it('shows masked keys in transcripts', async () => {
    const record = await line.api<{ transcript: { type: string; node?: string; value?: string; id?: string; text?: string }[] }>(`/api/calls/${results[3]?.callId}`);
    expect(record.transcript).toContainEqual(expect.objectContaining({ type: 'keys', node: 'pin', value: '****' }));
    const key = record.transcript.find((t) => t.id === 'signing_key');
    expect(key?.text).toMatch(/\*{8}/);
  });
});
