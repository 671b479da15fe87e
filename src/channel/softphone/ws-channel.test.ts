import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaveError, SimulatedClock } from '../../shared/index.ts';
import type { LineLike } from './line-like.ts';
import { FakeLine } from './testing/fake-line.ts';
import { WsProbe } from './testing/ws-probe.ts';
import { registerSoftphone, type SoftphoneOptions } from './ws-channel.ts';

const DIAL = { type: 'dial', from: '+34600111222', to: '950183313' };
let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve(line: LineLike, opts: SoftphoneOptions = {}, setup?: (a: FastifyInstance) => Promise<void> | void): Promise<string> {
  app = Fastify();
  await setup?.(app);
  await registerSoftphone(app, line, opts);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return `${address.replace('http', 'ws')}/softphone`;
}

async function dialed(line: LineLike, opts?: SoftphoneOptions): Promise<WsProbe> {
  const probe = await WsProbe.open(await serve(line, opts));
  probe.send(DIAL);
  return probe;
}

describe('registerSoftphone', () => {
  it('answers a dial, then shows the prompts and listens once they are on screen', async () => {
    const line = new FakeLine();
    const probe = await dialed(line);
    expect(await probe.until('listen')).toEqual([
      { type: 'answered', callId: 'fake-1' },
      { type: 'prompt', id: 'welcome', text: 'Welcome to Clave.', params: {}, language: 'en' },
      { type: 'prompt', id: 'main_menu', text: 'Press 1 for a code, 9 for an agent.', params: {}, language: 'en' },
      { type: 'listen', node: 'main_menu', kind: 'menu', maxDigits: 1 },
    ]);
    expect(line.calls[0]?.from).toBe('+34600111222');
    expect(line.calls[0]?.to).toBe('950183313');
    expect(line.calls[0]?.log).toEqual(['promptEnded:1', 'listen:main_menu:1']);
  });

  it('feeds each character of a keys message to the session in order and ends with the outcome', async () => {
    const line = new FakeLine();
    const probe = await dialed(line);
    await probe.until('listen');
    probe.send({ type: 'keys', value: '1' });
    await probe.until('listen');
    probe.send({ type: 'keys', value: '2580' });
    const tail = await probe.until('ended');
    expect(tail.slice(-2)).toEqual([
      { type: 'hangup', by: 'line' },
      { type: 'ended', callId: 'fake-1', outcome: 'code_taken', language: 'en' },
    ]);
    expect(line.calls[0]?.log.filter((e) => e.startsWith('digit'))).toEqual(['digit:1', 'digit:2', 'digit:5', 'digit:8', 'digit:0']);
    expect(await probe.closed).toBe(1000);
  });

  it('marks a secret collect in its listen message', async () => {
    const probe = await dialed(new FakeLine());
    await probe.until('listen');
    probe.send({ type: 'keys', value: '1' });
    const seen = await probe.until('listen');
    expect(seen.at(-1)).toEqual({ type: 'listen', node: 'code', kind: 'collect', maxDigits: 4, secret: true });
  });

  it('sends a transfer, resolves it as completed, and the line hangs up', async () => {
    const probe = await dialed(new FakeLine());
    await probe.until('listen');
    probe.send({ type: 'keys', value: '9' });
    expect(await probe.until('ended')).toEqual([
      { type: 'transfer', target: 'agent' },
      { type: 'hangup', by: 'line' },
      { type: 'ended', callId: 'fake-1', outcome: 'transferred_to_agent', language: 'en' },
    ]);
  });

  it('passes a caller hangup to the session once, even though the socket closes after it', async () => {
    const line = new FakeLine();
    const probe = await dialed(line);
    await probe.until('listen');
    probe.send({ type: 'hangup' });
    expect((await probe.until('ended')).at(-1)).toEqual({ type: 'ended', callId: 'fake-1', outcome: 'caller_hung_up', language: 'en' });
    expect(await probe.closed).toBe(1000);
    expect(line.calls[0]?.log.filter((e) => e === 'hangup')).toEqual(['hangup']);
  });

  it('treats a dropped socket as the caller hanging up', async () => {
    const line = new FakeLine();
    const probe = await dialed(line);
    await probe.until('listen');
    probe.socket.terminate();
    const call = line.calls[0];
    await expect(call?.ended).resolves.toEqual({ outcome: 'caller_hung_up', language: 'en' });
    // The session may still play into the closed socket: that must not throw.
    expect(() => call?.channel.play(99, [{ id: 'late', text: 'late', params: {} }], { bargeIn: false, language: 'en' })).not.toThrow();
  });

  it('refuses a first message other than dial and closes with 1008', async () => {
    const line = new FakeLine();
    const probe = await WsProbe.open(await serve(line));
    probe.send({ type: 'keys', value: '1' });
    expect(await probe.next()).toMatchObject({ type: 'error', code: 'DIAL_FIRST' });
    expect(await probe.closed).toBe(1008);
    expect(line.calls).toHaveLength(0);
  });

  it('answers bad JSON and bad schema with BAD_MESSAGE without echoing the frame, and the call goes on', async () => {
    const probe = await dialed(new FakeLine());
    await probe.until('listen');
    probe.send('{not json');
    expect(await probe.next()).toEqual({ type: 'error', code: 'BAD_MESSAGE', message: 'message is not JSON' });
    probe.send({ type: 'keys', value: '4821x' });
    const bad = (await probe.next()) as { code: string; message: string };
    expect(bad.code).toBe('BAD_MESSAGE');
    expect(bad.message).toContain('value');
    expect(bad.message).not.toContain('4821');
    probe.send({ type: 'dial', from: '1', to: '2' });
    expect(await probe.next()).toMatchObject({ type: 'error', code: 'ALREADY_DIALED' });
    probe.send({ type: 'keys', value: '9' });
    expect((await probe.until('ended')).at(-1)).toMatchObject({ outcome: 'transferred_to_agent' });
  });

  it('holds the session messages until answered when startCall is async, and keeps early keys', async () => {
    const line = new FakeLine({ async: true });
    const probe = await dialed(line);
    probe.send({ type: 'keys', value: '9' });
    const seen = await probe.until('ended');
    expect(seen[0]).toEqual({ type: 'answered', callId: 'fake-1' });
    expect(seen.map((m) => m.type)).toEqual(['answered', 'prompt', 'prompt', 'transfer', 'hangup', 'ended']);
    expect(line.calls[0]?.log[0]).toBe('digit:9');
  });

  it('reports a refused call with the ClaveError code and closes with 1011', async () => {
    const line = new FakeLine({ refuse: new ClaveError('CLOSED', 'the line is at capacity') });
    const probe = await dialed(line);
    expect(await probe.next()).toEqual({ type: 'error', code: 'CLOSED', message: 'the line is at capacity' });
    expect(await probe.closed).toBe(1011);
  });

  it('issue 6: a full line refuses with AT_CAPACITY and closes with 1013 (try again later), not as a failure', async () => {
    const line = new FakeLine({ refuse: new ClaveError('AT_CAPACITY', 'all lines are busy; call again later', { retryAfterSeconds: 10 }) });
    const probe = await dialed(line);
    expect(await probe.next()).toEqual({ type: 'error', code: 'AT_CAPACITY', message: 'all lines are busy; call again later' });
    expect(await probe.closed).toBe(1013);
  });

  it('hides the message of an unexpected startCall failure', async () => {
    const probe = await dialed(new FakeLine({ refuse: new Error('db password wrong') }));
    expect(await probe.next()).toEqual({ type: 'error', code: 'CALL_FAILED', message: 'the line could not take the call' });
    expect(await probe.closed).toBe(1011);
  });

  it('closes a socket that never dials, on the injected clock', async () => {
    const clock = new SimulatedClock();
    const probe = await WsProbe.open(await serve(new FakeLine(), { clock, dialTimeoutMs: 5000 }));
    await clock.advance(4999);
    expect(clock.pending).toBe(1);
    await clock.advance(1);
    expect(await probe.next()).toMatchObject({ type: 'error', code: 'DIAL_TIMEOUT' });
    expect(await probe.closed).toBe(1008);
  });

  it('uses a websocket plugin the app registered itself, awaited or not', async () => {
    const awaited = await serve(new FakeLine(), {}, async (a) => {
      await a.register(fastifyWebsocket);
    });
    const p1 = await WsProbe.open(awaited);
    p1.send(DIAL);
    expect(await p1.next()).toEqual({ type: 'answered', callId: 'fake-1' });
    await app?.close();
    const queued = await serve(new FakeLine(), {}, (a) => {
      void a.register(fastifyWebsocket);
    });
    const p2 = await WsProbe.open(queued);
    p2.send(DIAL);
    expect(await p2.next()).toEqual({ type: 'answered', callId: 'fake-1' });
  });
});
