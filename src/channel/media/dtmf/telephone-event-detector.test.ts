import { describe, expect, it } from 'vitest';
import { parseRtp, serializeRtp } from '../rtp/rtp.ts';
import { expectMalformed } from '../testing/expect-malformed.ts';
import { serializeTelephoneEvent } from './rfc4733.ts';
import { TelephoneEventDetector } from './telephone-event-detector.ts';

interface Pkt {
  ts: number;
  seq: number;
  payload: Buffer;
}

/**
 * The packets a typical sender emits for one press (RFC 4733 §2.5.1): an
 * update every 20 ms with the same timestamp and a growing duration, then
 * the end packet three times.
 */
function press(event: number, ts: number, firstSeq: number, updates = 5): Pkt[] {
  const out: Pkt[] = [];
  let seq = firstSeq;
  for (let i = 1; i <= updates; i++) out.push({ ts, seq: seq++ & 0xffff, payload: serializeTelephoneEvent({ event, end: false, volume: 10, duration: 160 * i }) });
  for (let i = 0; i < 3; i++) out.push({ ts, seq: seq++ & 0xffff, payload: serializeTelephoneEvent({ event, end: true, volume: 10, duration: 160 * (updates + 1) }) });
  return out;
}

function run(d: TelephoneEventDetector, pkts: Pkt[]): string {
  return pkts.map((p) => d.push(p.ts, p.seq, p.payload).join('')).join('');
}

describe('TelephoneEventDetector', () => {
  it('reports a press once despite continuation and three end packets', () => {
    const d = new TelephoneEventDetector();
    const pkts = press(5, 1000, 1);
    expect(pkts.map((p) => d.push(p.ts, p.seq, p.payload))).toEqual([['5'], [], [], [], [], [], [], []]);
  });

  it('reports a second press of the same key (new timestamp) as a new digit', () => {
    const d = new TelephoneEventDetector();
    expect(run(d, [...press(5, 1000, 1), ...press(5, 2600, 9), ...press(11, 4000, 17)])).toBe('55#');
  });

  it('maps every event code to its key', () => {
    const d = new TelephoneEventDetector();
    const pkts = Array.from({ length: 16 }, (_, e) => press(e, 10_000 + e * 2000, 1 + e * 8)).flat();
    expect(run(d, pkts)).toBe('0123456789*#ABCD');
  });

  it('still reports a press whose start packets were lost, from its end packet', () => {
    const d = new TelephoneEventDetector();
    expect(run(d, press(7, 500, 40).slice(5))).toBe('7');
  });

  it('ignores a late packet of the previous press arriving after the next began', () => {
    const d = new TelephoneEventDetector();
    const first = press(1, 1000, 100);
    const second = press(2, 3000, 108);
    const lateEnd = first.pop()!;
    expect(run(d, [...first, second[0]!, lateEnd, ...second.slice(1)])).toBe('12');
  });

  it('survives duplicated and reordered packets within a press', () => {
    const d = new TelephoneEventDetector();
    const p = press(9, 1000, 200);
    expect(run(d, [p[1]!, p[0]!, p[0]!, p[2]!, p[4]!, p[3]!, ...p.slice(5), p[7]!])).toBe('9');
  });

  it('works across sequence and timestamp wrap-around', () => {
    const d = new TelephoneEventDetector();
    expect(run(d, [...press(3, 0xfffffc00, 65532), ...press(4, 0x00000a00, 4)])).toBe('34');
  });

  it('treats a big sequence jump as a new stream, even with an older timestamp', () => {
    const d = new TelephoneEventDetector();
    expect(run(d, [...press(1, 900_000, 10), ...press(1, 5_000, 30_000)])).toBe('11');
  });

  it('treats segments of a long event (§2.5.1.3) as one press', () => {
    const d = new TelephoneEventDetector();
    const ts = 1000;
    const pkts: Pkt[] = [];
    let seq = 1;
    // 0xFFFF units (8.2 s) in updates every 50 ms (400 units), then a new segment.
    for (let dur = 400; dur < 0xffff; dur += 400) pkts.push({ ts, seq: seq++, payload: serializeTelephoneEvent({ event: 0, end: false, volume: 10, duration: dur }) });
    pkts.push({ ts, seq: seq++, payload: serializeTelephoneEvent({ event: 0, end: false, volume: 10, duration: 0xffff }) });
    const ts2 = ts + 0xffff;
    for (let dur = 400; dur <= 2000; dur += 400) pkts.push({ ts: ts2, seq: seq++, payload: serializeTelephoneEvent({ event: 0, end: false, volume: 10, duration: dur }) });
    for (let i = 0; i < 3; i++) pkts.push({ ts: ts2, seq: seq++, payload: serializeTelephoneEvent({ event: 0, end: true, volume: 10, duration: 2400 }) });
    expect(run(d, pkts)).toBe('0');
    // …while a short press whose end packets were all lost, then a new press of the same key, is two digits.
    const d2 = new TelephoneEventDetector();
    expect(run(d2, [...press(0, 1000, 1).slice(0, 5), ...press(0, 2600, 9)])).toBe('00');
  });

  it('reports each new event of a packed payload (§2.5.1.5)', () => {
    const d = new TelephoneEventDetector();
    const packed = Buffer.concat([serializeTelephoneEvent({ event: 1, end: true, volume: 10, duration: 800 }), serializeTelephoneEvent({ event: 2, end: false, volume: 10, duration: 160 })]);
    expect(d.push(1000, 1, packed)).toEqual(['1', '2']);
    // The next update repeats event 2 (starting at 1000 + 800): nothing new.
    expect(d.push(1800, 2, serializeTelephoneEvent({ event: 2, end: true, volume: 10, duration: 800 }))).toEqual([]);
    // A redundant repeat of the packed pair is not a new press either.
    expect(d.push(1000, 3, packed)).toEqual([]);
  });

  it('does not report non-key events (16 = flash)', () => {
    const d = new TelephoneEventDetector();
    expect(run(d, [...press(16, 1000, 1), ...press(6, 3000, 9)])).toBe('6');
  });

  it('reads packets straight off the wire', () => {
    const d = new TelephoneEventDetector();
    const wire = press(11, 0x1234, 77).map((p, i) =>
      serializeRtp({ marker: i === 0, payloadType: 101, sequenceNumber: p.seq, timestamp: p.ts, ssrc: 0xfeed, payload: p.payload }),
    );
    const keys = wire.flatMap((buf) => {
      const p = parseRtp(buf);
      return d.push(p.timestamp, p.sequenceNumber, p.payload);
    });
    expect(keys).toEqual(['#']);
  });

  it('throws on a malformed payload and keeps its state', () => {
    const d = new TelephoneEventDetector();
    const p = press(8, 1000, 1);
    expect(d.push(p[0]!.ts, p[0]!.seq, p[0]!.payload)).toEqual(['8']);
    expectMalformed(() => d.push(1000, 2, Buffer.from([8, 0x0a])), 'MALFORMED_DTMF', 'truncated');
    expect(run(d, p.slice(1))).toBe('');
  });

  it('forgets the stream on reset()', () => {
    const d = new TelephoneEventDetector();
    const p = press(4, 1000, 1);
    run(d, p);
    d.reset();
    expect(run(d, p.slice(-1))).toBe('4');
  });
});
