import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../shared/index.ts';
import { DevMailbox } from './dev-mailbox.ts';
import type { DeliveryMessage } from './types.ts';

const sms = (id: string, to: string, text: string): DeliveryMessage => ({ id, channel: 'sms', to, subject: null, text, language: 'en', expiresAt: null });

describe('DevMailbox', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('keeps messages in memory, oldest first, with clock times', async () => {
    const clock = new SimulatedClock();
    const mailbox = new DevMailbox({ clock });
    const first = await mailbox.deliver(sms('m1', '+34600000001', 'code 111'));
    await clock.advance(1500);
    await mailbox.deliver({ id: 'm2', channel: 'email', to: 'a@b.test', subject: 'Hi', text: 'body', language: 'es', expiresAt: null });
    await mailbox.deliver(sms('m3', '+34600000002', 'code 333'));
    expect(first.providerId).toMatch(/^dev-[0-9a-f-]{36}$/);
    expect(mailbox.list().map((e) => [e.messageId, e.at])).toEqual([
      ['m1', '2026-01-01T09:00:00.000Z'],
      ['m2', '2026-01-01T09:00:01.500Z'],
      ['m3', '2026-01-01T09:00:01.500Z'],
    ]);
    expect(mailbox.list()[0]).toEqual({
      id: first.providerId, messageId: 'm1', channel: 'sms', to: '+34600000001', subject: null, text: 'code 111', language: 'en',
      at: '2026-01-01T09:00:00.000Z',
    });
    expect(mailbox.list({ channel: 'sms', to: '+34600000002' }).map((e) => e.text)).toEqual(['code 333']);
    await mailbox.clear();
    expect(mailbox.list()).toEqual([]);
  });

  it('mirrors to its own JSON-lines file, readable by the owner only, and reloads it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clave-mailbox-'));
    dirs.push(dir);
    const path = join(dir, 'mailbox.jsonl');
    const clock = new SimulatedClock();
    const mailbox = await DevMailbox.open({ clock, path });
    await Promise.all([mailbox.deliver(sms('m1', '+34600000001', 'one')), mailbox.deliver(sms('m2', '+34600000001', 'two'))]);
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { text: string }).text)).toEqual(['one', 'two']);
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    const again = await DevMailbox.open({ clock, path });
    expect(again.list().map((e) => e.messageId)).toEqual(['m1', 'm2']);
    await again.clear();
    expect(await readFile(path, 'utf8')).toBe('');
    expect((await DevMailbox.open({ clock, path })).list()).toEqual([]);
  });
});
