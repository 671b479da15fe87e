/**
 * What a caller hears, through a whole SIP call: a hand-made UDP caller
 * (INVITE with an SDP offer, ACK, BYE) records the line's RTP, decodes it
 * and checks the greeting is speech of a plausible length; then it presses
 * 2 as an in-band tone made by sox (its offer has no telephone-event, as a
 * carrier's that sends tones), and the line moves to the English main menu,
 * having heard the key once.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeUlaw, dtmfTone, encodeUlaw } from '../src/channel/media/index.ts';
import { firstUtterance, frameRms, measureSpeech, notSpeech, FRAME } from './support/audio-analysis.ts';
import { endedSipCall, eventually, startTestLine, type TestLine } from './support/line.ts';
import { UdpSipCaller, type ReceivedRtp } from './support/udp-sip-caller.ts';

const UNLOCK = '950183313';
const LOUD = 200; // frame RMS above this is sound; G.711 silence decodes to 0-8
const QUIET_FRAMES = 50; // 1 s of silence ends an utterance: espeak's pauses are far shorter

function hasSox(): boolean {
  try {
    execFileSync('sox', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** DTMF "2" (697 + 1336 Hz, ITU-T Q.23) for 100 ms as μ-law, by sox; by our own generator without sox. */
function tone2(): Buffer {
  if (!hasSox()) return encodeUlaw(dtmfTone('2', 100));
  return execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-e', 'u-law', '-t', 'raw', '-', 'synth', '0.1', 'sine', '697', 'synth', '0.1', 'sine', 'mix', '1336']);
}

/** The line's audio from packet `from` on, decoded; packets lost on loopback would show as a sequence gap. */
function decode(rtp: ReceivedRtp[], from: number): Int16Array {
  return decodeUlaw(Buffer.concat(rtp.slice(from).map((r) => r.packet.payload)));
}

describe('media of a SIP call, heard from the outside', () => {
  let line: TestLine;
  beforeAll(async () => {
    line = await startTestLine({ sip: true });
  }, 120_000);
  afterAll(async () => {
    await line?.close();
  });

  it('the measures tell speech from noise, a tone and silence', () => {
    // Guards the checks below against passing on anything.
    const noise = Int16Array.from({ length: 16000 }, () => Math.round((Math.random() - 0.5) * 12000));
    const tone = dtmfTone('5', 2000);
    expect(notSpeech(measureSpeech(noise))).toEqual(expect.arrayContaining([expect.stringMatching(/zero-crossing|flat/)]));
    expect(notSpeech(measureSpeech(tone))).toEqual(expect.arrayContaining([expect.stringMatching(/distinct spectral peaks/), expect.stringMatching(/steady envelope/)]));
    expect(notSpeech(measureSpeech(new Int16Array(16000)))).toContain('too quiet (rms 0)');
  });

  it('greets with speech of the right length, then hears an in-band 2 once and moves to the English menu', async () => {
    const from = `+3460055${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
    const caller = await UdpSipCaller.open();
    try {
      // A carrier that sends keys as tones offers no telephone-event (the line listens for tones only then).
      const status = await caller.invite({ target: `127.0.0.1:${line.sip!.port}`, dialed: UNLOCK, from, events: false });
      expect(status).toBe(200);
      expect(caller.answer).toMatch(/^m=audio \d+ RTP\/AVP 0\r$/m);

      // The greeting: a marked first packet, then speech until a second of silence.
      const greeting = await eventually(() => {
        const first = caller.rtp.findIndex((r) => r.packet.marker);
        if (first < 0) return undefined;
        const span = firstUtterance(frameRms(decode(caller.rtp, first)), LOUD, QUIET_FRAMES);
        return span ? { first, span } : undefined;
      }, 20_000);
      const packets = caller.rtp.map((r) => r.packet);
      // One stream: consecutive sequence numbers, timestamps 160 apart, one SSRC, PCMU.
      packets.forEach((p, i) => {
        expect(p.payloadType).toBe(0);
        expect(p.ssrc).toBe(packets[0]!.ssrc);
        if (i > 0) {
          expect(p.sequenceNumber).toBe((packets[i - 1]!.sequenceNumber + 1) & 0xffff);
          expect(p.timestamp).toBe((packets[i - 1]!.timestamp + 160) >>> 0);
        }
      });
      expect(packets.filter((p) => p.marker)).toHaveLength(1);
      const speech = decode(caller.rtp, greeting.first).subarray(FRAME * greeting.span.start, FRAME * greeting.span.end);
      const report = measureSpeech(speech, LOUD);
      expect(report.durationMs, JSON.stringify(report)).toBeGreaterThanOrEqual(1500);
      expect(report.durationMs, JSON.stringify(report)).toBeLessThanOrEqual(12_000);
      expect(notSpeech(report), JSON.stringify(report)).toEqual([]);
      // Real time: the greeting took as long to arrive as it lasts.
      const arrival = caller.rtp[greeting.first + greeting.span.end - 1]!.at - caller.rtp[greeting.first + greeting.span.start]!.at;
      expect(Math.abs(arrival - report.durationMs)).toBeLessThan(600);

      // Press 2 in-band, framed by silence, as PCMU.
      const heardBefore = caller.rtp.length;
      await caller.sendRtp(0, Buffer.concat([Buffer.alloc(800, 0xff), tone2(), Buffer.alloc(1600, 0xff)]));
      const menuStart = await eventually(() => {
        const i = caller.rtp.findIndex((r, n) => n >= heardBefore && r.packet.marker);
        return i < 0 ? undefined : i;
      }, 5000);
      const menu = await eventually(() => {
        const audio = decode(caller.rtp, menuStart);
        return audio.length >= 8000 * 2 ? audio : undefined;
      }, 5000);
      expect(notSpeech(measureSpeech(menu.subarray(0, 16000), LOUD))).toEqual([]);
    } finally {
      await caller.bye();
    }

    const call = await endedSipCall(line, from);
    expect(call.language).toBe('en');
    const prompts = call.transcript.flatMap((t) => (t.type === 'prompt' ? [t.id] : []));
    expect(prompts.slice(0, 2)).toEqual(['language_menu', 'main_menu']);
    const mainMenu = call.transcript.flatMap((t) => (t.type === 'prompt' && t.id === 'main_menu' ? [t.text] : []));
    expect(mainMenu[0]).toMatch(/^To unlock or recover your user, press 1\./);
    // The key was heard once: a second 2 would have chosen "unlock an operation".
    expect(call.transcript.filter((t) => t.type === 'keys')).toEqual([expect.objectContaining({ value: '2' })]);
    expect(call.path.map((p) => p.node)).toEqual(['unlock-line:language', 'unlock-line:announce', 'unlock-line:main']);

    // The media clock that paced it, as Prometheus reads it: ticked late by some ms at worst, never by a second.
    const metrics = await fetch(`${line.url}/metrics`, { headers: { authorization: `Bearer ${line.adminToken}` } }).then((r) => r.text());
    const worst = Number(/^clave_media_clock_worst_late_ms (\S+)$/m.exec(metrics)?.[1]);
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(1000);
    expect(metrics).toMatch(/^clave_media_ticks_skipped_total \d+$/m);
  }, 60_000);
});
