import Fastify, { type FastifyInstance } from 'fastify';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaveError, SimulatedClock } from '../../shared/index.ts';
import { SoftphoneCall } from './client.ts';
import { parseKeys, runScriptedCall } from './scripted-call.ts';
import { FakeLine } from './testing/fake-line.ts';
import { registerSoftphone } from './ws-channel.ts';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve(line: FakeLine): Promise<string> {
  app = Fastify();
  await registerSoftphone(app, line);
  return app.listen({ port: 0, host: '127.0.0.1' });
}

/** A loopback port nobody listens on. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

const CALL = { from: '+34600111222', to: '950183313', timeoutMs: 10_000 };

describe('runScriptedCall', () => {
  it('sends one key per listen and returns the finished call', async () => {
    const line = new FakeLine();
    const result = await runScriptedCall({ ...CALL, server: await serve(line), keys: '1 25 80' });
    expect(result).toEqual({
      callId: 'fake-1',
      outcome: 'code_taken',
      language: 'en',
      events: [
        { type: 'prompt', id: 'welcome', text: 'Welcome to Clave.', params: {} },
        { type: 'prompt', id: 'main_menu', text: 'Press 1 for a code, 9 for an agent.', params: {} },
        { type: 'keys', value: '1' },
        { type: 'prompt', id: 'ask_code', text: 'Key your 4-digit code.', params: {} },
        { type: 'keys', value: '2' },
        { type: 'keys', value: '5' },
        { type: 'keys', value: '8' },
        { type: 'keys', value: '0' },
        { type: 'prompt', id: 'goodbye', text: 'Your code {code} was taken. Goodbye.', params: { code: '****' } },
        { type: 'hangup', by: 'line' },
      ],
    });
    // Each key reached the line right after a listen, never two in a row.
    expect(line.calls[0]?.log.filter((e) => !e.startsWith('promptEnded'))).toEqual([
      'listen:main_menu:1', 'digit:1',
      'listen:code:4', 'digit:2', 'listen:code:3', 'digit:5', 'listen:code:2', 'digit:8', 'listen:code:1', 'digit:0',
    ]);
  });

  it('hangs up at the first listen after the keys ran out', async () => {
    const line = new FakeLine();
    const result = await runScriptedCall({ ...CALL, server: await serve(line), keys: '1 2' });
    expect(result.outcome).toBe('caller_hung_up');
    expect(result.events.slice(-4)).toEqual([
      { type: 'keys', value: '1' },
      { type: 'prompt', id: 'ask_code', text: 'Key your 4-digit code.', params: {} },
      { type: 'keys', value: '2' },
      { type: 'hangup', by: 'caller' },
    ]);
    expect(line.calls[0]?.log.slice(-2)).toEqual(['listen:code:3', 'hangup']);
  });

  it('records a transfer', async () => {
    const result = await runScriptedCall({ ...CALL, server: await serve(new FakeLine()), keys: '9' });
    expect(result.outcome).toBe('transferred_to_agent');
    expect(result.events.slice(-2)).toEqual([{ type: 'transfer', target: 'agent' }, { type: 'hangup', by: 'line' }]);
  });

  it('fails with UNREACHABLE naming the URL when nobody listens', async () => {
    const port = await deadPort();
    const err = await runScriptedCall({ ...CALL, server: `http://127.0.0.1:${port}`, keys: '1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClaveError);
    expect((err as ClaveError).code).toBe('UNREACHABLE');
    expect((err as ClaveError).message).toContain(`ws://127.0.0.1:${port}/softphone`);
  });

  it('fails with PROTOCOL_ERROR carrying the line code when the line refuses the call', async () => {
    const line = new FakeLine({ refuse: new ClaveError('CLOSED', 'the line is at capacity') });
    const err = await runScriptedCall({ ...CALL, server: await serve(line), keys: '1' }).catch((e: unknown) => e);
    expect((err as ClaveError).code).toBe('PROTOCOL_ERROR');
    expect((err as ClaveError).message).toContain('reported CLOSED: the line is at capacity');
  });

  it('refuses keys other than digits, * and #', () => {
    expect(parseKeys(' 1 2#*\t3 ')).toEqual(['1', '2', '#', '*', '3']);
    expect(() => parseKeys('12a')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
  });
});

describe('SoftphoneCall', () => {
  it('hangs up and fails with TIMEOUT when the call outlasts timeoutMs', async () => {
    const line = new FakeLine({ silent: true });
    const clock = new SimulatedClock();
    const server = await serve(line);
    let answered = false;
    const call = SoftphoneCall.dial({ ...CALL, server, clock, timeoutMs: 5000, onMessage: (m) => (answered ||= m.type === 'answered') });
    const failed = call.result.catch((e: unknown) => e);
    await expect.poll(() => answered).toBe(true);
    await clock.advance(5000);
    const err = (await failed) as ClaveError;
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toContain('did not end within 5 s');
    await expect(line.calls[0]?.ended).resolves.toEqual({ outcome: 'caller_hung_up', language: 'en' });
    expect(call.events).toEqual([{ type: 'hangup', by: 'caller' }]);
  });

  it('sends keys pressed before the socket opened right after the dial', async () => {
    const line = new FakeLine();
    const call = SoftphoneCall.dial({ ...CALL, server: await serve(line) });
    call.pressKey('9');
    expect((await call.result).outcome).toBe('transferred_to_agent');
    expect(line.calls[0]?.log[0]).toBe('digit:9');
    expect(() => call.pressKey('x')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
  });
});
