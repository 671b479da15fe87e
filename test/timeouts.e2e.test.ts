/**
 * Silence on a running line, with time as an input: the server runs on a
 * simulated clock, so five-second timeouts take no real time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../src/channel/index.ts';
import { SimulatedClock } from '../src/shared/index.ts';
import { eventually, startTestLine, type TestLine } from './support/line.ts';

let line: TestLine;
let clock: SimulatedClock;
beforeAll(async () => {
  clock = new SimulatedClock(Date.now());
  line = await startTestLine({ clock, outboxPollMs: 3_600_000 });
});
afterAll(async () => {
  await line?.close();
});

async function silentCall(keys: string[]): Promise<{ outcome: string; prompts: string[] }> {
  const seen: ServerMessage[] = [];
  const pending = [...keys];
  const call = line.dial('+34600111222', '950183313', (msg, c) => {
    seen.push(msg);
    if (msg.type === 'listen' && pending.length > 0) c.pressKey(pending.shift() ?? '');
  });
  const listens = () => seen.filter((m) => m.type === 'listen').length;
  await eventually(() => (listens() > keys.length ? true : undefined));
  let done = false;
  void call.result.finally(() => (done = true)).catch(() => {});
  while (!done) {
    await clock.advance(2500);
    await new Promise((r) => setTimeout(r, 5));
  }
  const result = await call.result;
  return { outcome: result.outcome, prompts: seen.flatMap((m) => (m.type === 'prompt' ? [m.id] : [])) };
}

describe('silence', () => {
  it('repeats the prompt, offers an agent after three tries, then ends politely with no_input', async () => {
    const r = await silentCall([]);
    expect(r.outcome).toBe('no_input');
    expect(r.prompts.filter((p) => p === 'language_menu')).toHaveLength(3);
    expect(r.prompts.filter((p) => p === 'no_input')).toHaveLength(2);
    expect(r.prompts.slice(-2)).toEqual(['max_tries', 'no_input_goodbye']);
  });

  it('treats a document number cut short by silence as wrong length', async () => {
    const r = await silentCall(['1', '1', '1', '1', '1', '2', '3']);
    expect(r.prompts).toContain('invalid_input');
    expect(r.outcome).toBe('no_input');
  });
});
