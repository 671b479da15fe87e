import Fastify, { type FastifyInstance } from 'fastify';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeLine, registerSoftphone, type CallResult } from '../channel/index.ts';
import type { CliIo, CliStdin } from './io.ts';
import { main } from './main.ts';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve(line = new FakeLine()): Promise<string> {
  app = Fastify();
  await registerSoftphone(app, line);
  return app.listen({ port: 0, host: '127.0.0.1' });
}

function capture(stdin: CliStdin = new PassThrough()) {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, stdin };
  return { io, out: () => out, err: () => err };
}

const CALL = ['call', '--from', '+34600111222', '--to', '950183313'];

describe('clave call', () => {
  it('--json prints exactly one JSON object with the finished call', async () => {
    const server = await serve();
    const c = capture();
    expect(await main([...CALL, '--server', server, '--keys', '1 1 2', '--json'], c.io)).toBe(0);
    const lines = c.out().trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] ?? '') as CallResult;
    expect(Object.keys(result)).toEqual(['callId', 'outcome', 'language', 'events']);
    expect(result).toMatchObject({ callId: 'fake-1', outcome: 'caller_hung_up', language: 'en' });
    expect(result.events.map((e) => e.type)).toEqual(['prompt', 'prompt', 'keys', 'prompt', 'keys', 'keys', 'hangup']);
    expect(result.events.filter((e) => e.type === 'keys')).toEqual([
      { type: 'keys', value: '1' },
      { type: 'keys', value: '1' },
      { type: 'keys', value: '2' },
    ]);
    expect(result.events.at(-1)).toEqual({ type: 'hangup', by: 'caller' });
    expect(c.err()).toBe('');
  });

  it('prints a readable transcript with secret keys masked', async () => {
    const server = await serve();
    const c = capture();
    expect(await main([...CALL, '--server', server, '--keys', '1 2580'], c.io)).toBe(0);
    expect(c.out().split('\n')).toEqual([
      `Calling 950183313 from +34600111222 (ws://${server.slice('http://'.length)}/softphone)`,
      'line  Welcome to Clave.',
      'line  Press 1 for a code, 9 for an agent.',
      'you   1',
      'line  Key your 4-digit code.',
      'you   *',
      'you   *',
      'you   *',
      'you   *',
      'line  Your code {code} was taken. Goodbye.',
      'line  (hangs up)',
      'Call fake-1 ended: code_taken (language en)',
      '',
    ]);
  });

  it('reads keys from piped stdin lines and hangs up at the next listen after end of input', async () => {
    const server = await serve();
    const stdin = new PassThrough();
    const c = capture(stdin);
    const run = main([...CALL, '--server', server, '--json'], c.io);
    stdin.end('1\n 2 x\n');
    expect(await run).toBe(0);
    const result = JSON.parse(c.out()) as CallResult;
    expect(result.outcome).toBe('caller_hung_up');
    expect(result.events.filter((e) => e.type === 'keys')).toEqual([{ type: 'keys', value: '1' }, { type: 'keys', value: '2' }]);
    expect(c.err()).toBe('clave call: ignored "x": keys are 0-9 * # (q hangs up)\n');
  });

  it('sends keypresses at once on a terminal, in raw mode, and restores it after', async () => {
    const server = await serve();
    const raw: boolean[] = [];
    const tty = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (on: boolean) => raw.push(on) });
    const c = capture(tty);
    const run = main([...CALL, '--server', server, '--json'], c.io);
    tty.write('9');
    expect(await run).toBe(0);
    expect((JSON.parse(c.out()) as CallResult).outcome).toBe('transferred_to_agent');
    expect(raw).toEqual([true, false]);
  });

  it('hangs up on Ctrl-C at a terminal', async () => {
    const line = new FakeLine();
    const server = await serve(line);
    const tty = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
    const c = capture(tty);
    const run = main([...CALL, '--server', server], c.io);
    tty.write('\x03');
    expect(await run).toBe(0);
    expect(c.out()).toContain('you   (hang up)');
    expect(c.out()).toMatch(/ended: caller_hung_up/);
    expect(line.calls[0]?.log.at(-1)).toBe('hangup');
  });

  it.each([
    [['call', '--to', '950183313'], '--from and --to are required'],
    [[...CALL, '--keys', '12a'], 'keys may hold only digits'],
    [[...CALL, '--timeout', 'soon'], '--timeout must be seconds'],
    [[...CALL, '--server', 'ftp://x'], 'unsupported scheme ftp:'],
    [[...CALL, '--bogus'], "Unknown option '--bogus'"],
  ])('exits 2 with usage for %j', async (argv, message) => {
    const c = capture();
    expect(await main(argv, c.io)).toBe(2);
    expect(c.err()).toContain(message);
    expect(c.err()).toContain('usage: clave call');
  });
});

describe('clave', () => {
  it('exits 2 with the command table on stderr for an unknown command', async () => {
    const c = capture();
    expect(await main(['dial'], c.io)).toBe(2);
    expect(c.err()).toMatch(/^clave: unknown command "dial"\n\nusage: clave <command>/);
    expect(c.err()).toMatch(/\n {2}call {6}place a call/);
    expect(c.err()).toMatch(/\n {2}incident {2}\S/);
  });

  it('exits 1 naming the URL when the server cannot be reached (the real command)', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { port } = srv.address() as { port: number };
    await new Promise((r) => srv.close(r));
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const argv = ['node', 'bin/clave.mjs', ...CALL, '--server', `http://127.0.0.1:${port}`, '--keys', '1'];
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile('npx', argv, { cwd: root, timeout: 20_000 }, (_err, _stdout, stderr) => resolve({ code: child.exitCode, stderr }));
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`clave call: cannot reach ws://127.0.0.1:${port}/softphone`);
  });
});
