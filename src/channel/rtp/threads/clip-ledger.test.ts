import { describe, expect, it } from 'vitest';
import { encodeAlaw, encodeUlaw, g711Codec } from '../../media/index.ts';
import { ramp } from '../testing/session-harness.ts';
import { ClipLedger } from './clip-ledger.ts';
import { SharedClips } from './shared-clips.ts';

describe('SharedClips', () => {
  it('encodes each audio once per codec into shared memory, under one id per (audio, codec)', () => {
    const clips = new SharedClips();
    const audio = ramp(800);
    const ulaw = clips.get(audio, g711Codec('PCMU'));
    expect(ulaw.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Buffer.from(ulaw.bytes).equals(encodeUlaw(audio))).toBe(true);
    expect(clips.get(audio, g711Codec('PCMU'))).toBe(ulaw);
    const alaw = clips.get(audio, g711Codec('PCMA'));
    expect(alaw.id).not.toBe(ulaw.id);
    expect(Buffer.from(alaw.bytes).equals(encodeAlaw(audio))).toBe(true);
    // Another array with the same samples is another audio (the speech cache's identity is the key).
    expect(clips.get(ramp(800), g711Codec('PCMU')).id).not.toBe(ulaw.id);
  });

  it('gives a one-play clip its own transferable buffer, not shared memory', () => {
    const once = SharedClips.once(ramp(320), g711Codec('PCMU'));
    expect(once.buffer).toBeInstanceOf(ArrayBuffer);
    expect(once.byteOffset).toBe(0);
    expect(once.buffer.byteLength).toBe(320);
    expect(Buffer.from(once).equals(encodeUlaw(ramp(320)))).toBe(true);
  });
});

describe('ClipLedger', () => {
  const clip = (id: number, size: number) => ({ id, bytes: new Uint8Array(new SharedArrayBuffer(size)) });

  it('sends a clip once, then names it by id', () => {
    const ledger = new ClipLedger(1000);
    const forget: number[] = [];
    const a = clip(1, 100);
    expect(ledger.ref(a, forget)).toEqual({ id: 1, bytes: a.bytes });
    expect(ledger.ref(a, forget)).toEqual({ id: 1 });
    expect(forget).toEqual([]);
    expect(ledger.bytes).toBe(100);
  });

  it('stays within its budget by forgetting the least recently used clips', () => {
    const ledger = new ClipLedger(250);
    const forget: number[] = [];
    ledger.ref(clip(1, 100), forget);
    ledger.ref(clip(2, 100), forget);
    ledger.ref(clip(1, 100), forget); // 1 is now the most recently used
    ledger.ref(clip(3, 100), forget);
    expect(forget).toEqual([2]);
    expect(ledger.size).toBe(2);
    expect(ledger.bytes).toBe(200);
    // A forgotten clip goes whole again.
    expect(ledger.ref(clip(2, 100), forget)).toHaveProperty('bytes');
    expect(forget).toEqual([2, 1]);
  });

  it('keeps the newest clip even when it alone is over the budget, and starts empty after clear()', () => {
    const ledger = new ClipLedger(50);
    const forget: number[] = [];
    ledger.ref(clip(1, 40), forget);
    ledger.ref(clip(2, 80), forget);
    expect(forget).toEqual([1]);
    expect(ledger.size).toBe(1);
    ledger.clear();
    expect(ledger.size).toBe(0);
    expect(ledger.ref(clip(2, 80), [])).toHaveProperty('bytes');
  });
});
