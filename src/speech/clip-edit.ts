import { TELEPHONE_RATE } from './pcm.ts';

/** Below this (about -42 dBFS) a sample counts as silence when trimming. */
const SILENCE = 256;
/** Kept on each side of the sound so that soft onsets and releases survive. */
const MARGIN_MS = 30;

/**
 * The clip without its leading and trailing silence (a view, not a copy):
 * espeak pads every utterance, which would leave long gaps between
 * assembled pieces.
 *
 * @example
 *   trimSilence(new Int16Array([0, 0, 900, -700, 0])); // the middle, plus up to 30 ms each side
 */
export function trimSilence(clip: Int16Array): Int16Array {
  let start = 0;
  while (start < clip.length && Math.abs(clip[start] as number) < SILENCE) start++;
  if (start === clip.length) return clip.subarray(0, 0);
  let end = clip.length;
  while (end > start && Math.abs(clip[end - 1] as number) < SILENCE) end--;
  const margin = Math.round((TELEPHONE_RATE * MARGIN_MS) / 1000);
  return clip.subarray(Math.max(0, start - margin), Math.min(clip.length, end + margin));
}

/**
 * Concatenates 8 kHz clips with `gapMs` of silence between consecutive ones.
 *
 * @example
 *   joinClips([cuatro, ocho], 250).length; // cuatro.length + 2000 + ocho.length
 */
export function joinClips(clips: readonly Int16Array[], gapMs: number): Int16Array {
  const parts = clips.filter((c) => c.length > 0);
  const gap = Math.round((TELEPHONE_RATE * gapMs) / 1000);
  const total = parts.reduce((n, c) => n + c.length, 0) + gap * Math.max(0, parts.length - 1);
  const out = new Int16Array(total);
  let at = 0;
  parts.forEach((clip, i) => {
    if (i > 0) at += gap;
    out.set(clip, at);
    at += clip.length;
  });
  return out;
}
