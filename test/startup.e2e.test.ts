/**
 * What an operator sees when the line cannot start, and the SIM-swap guard
 * that needs a dataset of its own.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { prompts, startTestLine } from './support/line.ts';

const DEMO = fileURLToPath(new URL('../datasets/demo-bank.json', import.meta.url));
const FLOWS = fileURLToPath(new URL('../src/flow/defaults/', import.meta.url));

async function demo(): Promise<{ customers: Record<string, unknown>[] } & Record<string, unknown>> {
  return JSON.parse(await readFile(DEMO, 'utf8')) as { customers: Record<string, unknown>[] };
}

describe('start-up checks', () => {
  it('refuses a dataset with a bad field, naming the customer and the field', async () => {
    const data = await demo();
    const cards = data.customers[2]?.['cards'] as { pin: string }[];
    cards[0]!.pin = '12a4';
    await expect(startTestLine({ dataset: data })).rejects.toMatchObject({
      code: 'INVALID_DATASET',
      message: expect.stringMatching(/CUS-0003.*cards\[?\.?0\]?\.pin/) as unknown,
    });
  });

  it('refuses a flow that names a missing node, with the file and path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clave-flows-'));
    try {
      await cp(FLOWS, dir, { recursive: true });
      const file = join(dir, 'unlock-line.flow.yaml');
      await writeFile(file, (await readFile(file, 'utf8')).replace('next: identify\n', 'next: identfy\n'));
      await expect(startTestLine({ env: { CLAVE_FLOWS_DIR: dir } })).rejects.toMatchObject({
        code: 'INVALID_FLOW',
        message: expect.stringContaining(`${file}: nodes.dni.next: no node named identfy`) as unknown,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('SIM swap', () => {
  it('sends no secret to a mobile whose SIM changed recently, and changes nothing', async () => {
    const data = await demo();
    data.customers[0]!['mobileSimChangedAt'] = new Date(Date.now() - 2 * 24 * 3600_000).toISOString();
    const line = await startTestLine({ dataset: data });
    try {
      const r = await line.call('+34600111222', '950183313', '2 1 1 1 12345678 4821 2580');
      expect(r.outcome).toBe('sim_swap_risk');
      expect(prompts(r)).toContain('sim_swap_risk');
      expect(r.events.some((e) => e.type === 'transfer')).toBe(true);
      expect((await line.bank.getCustomer('CUS-0001'))?.ebanking?.status).toBe('locked');
      await line.worker.runOnce();
      expect(await line.mailbox()).toEqual([]);
      // Whoever holds a swapped SIM also passes the caller-ID check: no signing key is read either.
      const key = await line.call('+34600111222', '950183313', '2 3 2 1 12345678 55102938 4821 2580');
      expect(key.outcome).toBe('sim_swap_risk');
      expect(prompts(key)).not.toContain('signing_key');
    } finally {
      await line.close();
    }
  });
});
