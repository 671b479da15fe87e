import { expect } from 'vitest';
import type { PromptAudio } from '../../../speech/index.ts';
import { encodeAlaw, encodeUlaw, parseSdp } from '../../media/index.ts';
import type { MediaSession } from '../../sip/ua/media-port.ts';
import { calleeAnswer, pressKey } from './callee.ts';
import { prompt, ramp } from './session-harness.ts';
import type { UdpPeer } from './udp-peer.ts';

/** The one prompt of a placed call under test: 1000 samples of a ramp. */
export const HELLO = ramp(1000);

/** Prompts for a media factory under test: `hello` is HELLO, any other is missing. */
export const helloPrompts: Pick<PromptAudio, 'getPromptAudio'> = {
  getPromptAudio: (req) => (req.id === 'hello' ? Promise.resolve(HELLO) : Promise.reject(new Error(`no clip ${req.id}`))),
};

/** The laws a callee may answer with, and how each encodes the prompt. */
export const ANSWERED_LAWS = [[8, 'PCMA', encodeAlaw], [0, 'PCMU', encodeUlaw]] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A call we place, whole, on media that runs anywhere (this thread or a
 * worker): our offer (PCMU, PCMA, telephone-event at 101, on the session's
 * port), the callee's answer with law `pt`, the prompt sent as that law
 * from its first marked packet, then a key the callee sends (RFC 4733) heard
 * within `settleMs`. Returns our offer for more checks.
 *
 * @example
 *   for (const [pt, name, encode] of ANSWERED_LAWS) it(name, async () => { await expectPlacedCall(peer, session, { pt, encode, key: '9', seq: 500, settleMs: 60 }); });
 */
export async function expectPlacedCall(
  peer: UdpPeer,
  session: MediaSession & { readonly localPort: number },
  call: { pt: 0 | 8; encode: (samples: Int16Array) => Buffer; key: string; seq: number; settleMs: number },
): Promise<string> {
  const offer = session.offer()!;
  expect(parseSdp(offer).media.map((x) => `${x.port} ${x.formats.join(' ')}`)).toEqual([`${session.localPort} 0 8 101`]);
  expect(session.accept(calleeAnswer(peer.port, call.pt))).toBe(true);
  session.start();
  let ended = 0;
  session.play([prompt('hello')], 'en', () => ended++);
  await peer.waitFor(() => ended > 0);
  const got = peer.rtp().map((r) => r.packet);
  expect(new Set(got.map((p) => p.payloadType))).toEqual(new Set([call.pt]));
  const start = got.findIndex((p) => p.marker);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(Buffer.concat(got.slice(start, start + 6).map((p) => p.payload)).equals(call.encode(HELLO).subarray(0, 960))).toBe(true);
  const digits: string[] = [];
  session.onDigit = (key) => digits.push(key);
  await pressKey(peer, session.localPort, call.key, call.seq);
  await sleep(call.settleMs);
  expect(digits).toEqual([call.key]);
  return offer;
}
