/**
 * An incident announcement over a real SIP call: after the language menu
 * the caller hears the announcement as speech (its own prompt, marker bit
 * set), presses a key in the middle of it, and the line goes straight to the
 * main menu without taking the key as a choice; the call record says what
 * was announced and that it was skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeUlaw, dtmfTone, encodeUlaw } from '../src/channel/media/index.ts';
import { frameRms, firstUtterance } from './support/audio-analysis.ts';
import { ADMIN_TOKEN, endedSipCall, eventually, startTestLine, type TestLine } from './support/line.ts';
import { UdpSipCaller } from './support/udp-sip-caller.ts';

const UNLOCK = '950183313';
const SILENCE = (ms: number) => Buffer.alloc(8 * ms, 0xff);
const tone = (key: string) => Buffer.concat([SILENCE(100), encodeUlaw(dtmfTone(key, 100)), SILENCE(200)]);

describe('an incident announced over SIP', () => {
  let line: TestLine;
  beforeAll(async () => {
    line = await startTestLine({ sip: true });
  }, 120_000);
  afterAll(async () => {
    await line?.close();
  });

  it('is spoken after the language menu, skipped by a key that is not a menu choice, and recorded', async () => {
    const res = await fetch(`${line.url}/api/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        status: 'investigating', cause: 'under_investigation',
        components: [{ component: 'mobile-app', impact: 'major_outage' }],
        text: {
          es: { title: 'La aplicación móvil no funciona', message: 'Estamos investigando un fallo que impide entrar en la aplicación móvil. La banca online funciona con normalidad.' },
          en: { title: 'The mobile app is down', message: 'We are investigating a fault that stops customers from logging in to the mobile app. Online banking works normally.' },
        },
        publish: true,
      }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };

    const from = `+3460066${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
    const caller = await UdpSipCaller.open();
    const markers = () => caller.rtp.flatMap((r, i) => (r.packet.marker ? [i] : []));
    try {
      // Tones only: the offer has no telephone-event.
      expect(await caller.invite({ target: `127.0.0.1:${line.sip!.port}`, dialed: UNLOCK, from, events: false })).toBe(200);
      await eventually(() => (markers().length >= 1 ? true : undefined), 20_000);
      await caller.sendRtp(0, tone('2'));
      // The announcement starts (a second marked packet) and is speech for a while.
      const start = await eventually(() => markers()[1], 10_000);
      await eventually(() => {
        const audio = decodeUlaw(Buffer.concat(caller.rtp.slice(start).map((r) => r.packet.payload)));
        return firstUtterance(frameRms(audio), 200, 5) && audio.length > 8000 * 1.5 ? true : undefined;
      }, 10_000);
      // Mid-announcement, a key.
      await caller.sendRtp(0, tone('1'));
      await eventually(() => (markers().length >= 3 ? true : undefined), 10_000);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await caller.bye();
    }

    const call = await endedSipCall(line, from);
    expect(call.language).toBe('en');
    expect(call.transcript).toContainEqual(expect.objectContaining({ type: 'announcement', incidentIds: [id], version: 'full' }));
    const announcement = call.transcript.flatMap((t) => (t.type === 'prompt' && t.id === 'announcement' ? [t.text] : []));
    expect(announcement.join(' ')).toContain('The mobile app is down');
    // The key skipped the announcement and, as type-ahead, chose "unlock or recover your user" in the main menu.
    expect(call.transcript).toContainEqual(expect.objectContaining({ type: 'keys', node: 'main', value: '1' }));
    expect(call.path.map((p) => p.node)).toEqual(['unlock-line:language', 'unlock-line:announce', 'unlock-line:main', 'unlock-line:user_menu']);
  }, 90_000);
});
