import { InbandDtmfDetector } from '../../media/index.ts';
import { isClaveError } from '../../../shared/index.ts';
import { MediaClock } from '../media-clock.ts';
import { RtpStream } from '../rtp-stream.ts';
import { ClockStatsBoard } from './clock-stats-board.ts';
import type { ClipRef, FromWorker, MediaWorkerData, ToWorker } from './protocol.ts';

/** How often the clock's figures go to the shared board. */
const PUBLISH_MS = 50;

interface Entry {
  stream: RtpStream;
  /** The play sounding now, and whether a key may cut it. */
  playing: { seq: number; bargeIn: boolean } | null;
}

/**
 * Everything a media worker thread does, apart from the thread itself (so
 * it reads top to bottom): its own media clock, the RtpStreams of the calls
 * placed on it, bound in its slice of the port range, and a cache of prompt
 * clips by id. A key during a barge-in play stops the play here at once,
 * before the key crosses to the main thread.
 *
 * @example
 *   const host = new WorkerHost(workerData, (msg) => parentPort.postMessage(msg));
 *   parentPort.on('message', (msg) => host.handle(msg));
 */
export class WorkerHost {
  readonly #data: MediaWorkerData;
  readonly #post: (msg: FromWorker) => void;
  readonly #clock: MediaClock;
  readonly #sessions = new Map<number, Entry>();
  /** Prompt clips the main thread sent to keep, by id; it says when to forget them. */
  readonly #clips = new Map<number, Buffer>();
  readonly #publisher: NodeJS.Timeout;

  constructor(data: MediaWorkerData, post: (msg: FromWorker) => void) {
    this.#data = data;
    this.#post = post;
    this.#clock = new MediaClock({ onError: (err) => this.#error(err) });
    this.#publisher = setInterval(() => ClockStatsBoard.publish(data.stats, data.slot, this.#clock), PUBLISH_MS);
    this.#publisher.unref();
  }

  handle(msg: ToWorker): void {
    try {
      this.#handle(msg);
    } catch (err) {
      this.#error(err);
    }
  }

  #handle(msg: ToWorker): void {
    switch (msg.t) {
      case 'open':
        void this.#open(msg.sid);
        return;
      case 'negotiated':
        this.#sessions.get(msg.sid)?.stream.apply(msg.params);
        return;
      case 'start':
        this.#sessions.get(msg.sid)?.stream.start();
        return;
      case 'play':
        this.#play(msg);
        return;
      case 'stop': {
        const entry = this.#sessions.get(msg.sid);
        if (!entry) return;
        entry.playing = null;
        entry.stream.stop();
        return;
      }
      case 'close':
        this.#sessions.get(msg.sid)?.stream.close();
        this.#sessions.delete(msg.sid);
        return;
      case 'forget':
        for (const id of msg.ids) this.#clips.delete(id);
        return;
      case 'shutdown':
        for (const entry of this.#sessions.values()) entry.stream.close();
        this.#sessions.clear();
        this.#clips.clear();
        clearInterval(this.#publisher);
        ClockStatsBoard.publish(this.#data.stats, this.#data.slot, this.#clock);
        return;
    }
  }

  async #open(sid: number): Promise<void> {
    let stream: RtpStream;
    try {
      stream = await RtpStream.open(this.#data.host, this.#data.ports, {
        clock: this.#clock,
        inband: () => new InbandDtmfDetector(),
        ...(this.#data.rtcpIntervalMs !== undefined ? { rtcpIntervalMs: this.#data.rtcpIntervalMs } : {}),
      });
    } catch (err) {
      const exhausted = isClaveError(err, 'MEDIA_PORTS_EXHAUSTED');
      this.#post({ t: 'openFailed', sid, exhausted, message: err instanceof Error ? err.message : String(err) });
      return;
    }
    const entry: Entry = { stream, playing: null };
    stream.onDigit = (key) => {
      const cut = entry.playing?.bargeIn ? entry.playing.seq : null;
      if (cut !== null) {
        // Barge-in: silence from the next tick, without waiting for the flow to say so.
        entry.playing = null;
        stream.stop();
      }
      this.#post({ t: 'digit', sid, key, cut });
    };
    this.#sessions.set(sid, entry);
    this.#post({ t: 'opened', sid, port: stream.localPort });
  }

  #play(msg: Extract<ToWorker, { t: 'play' }>): void {
    const entry = this.#sessions.get(msg.sid);
    if (!entry) return;
    const clips: Buffer[] = [];
    for (const ref of msg.clips) {
      const clip = this.#clip(ref);
      if (clip) clips.push(clip);
    }
    // The clips were encoded for the codec negotiated when the play left the main thread; a
    // re-INVITE since then changed it: silence rather than noise.
    const usable = entry.stream.codec?.name === msg.codec ? clips : [];
    const playing = { seq: msg.seq, bargeIn: msg.bargeIn };
    entry.playing = playing;
    entry.stream.play(usable, () => {
      if (entry.playing === playing) entry.playing = null;
      this.#post({ t: 'ended', sid: msg.sid, seq: msg.seq });
    });
  }

  #clip(ref: ClipRef): Buffer | undefined {
    if (ref.bytes) {
      const clip = Buffer.from(ref.bytes.buffer, ref.bytes.byteOffset, ref.bytes.byteLength);
      if (ref.id !== undefined) this.#clips.set(ref.id, clip);
      return clip;
    }
    if (ref.id === undefined) return undefined;
    const clip = this.#clips.get(ref.id);
    if (!clip) this.#error(new Error(`media worker: clip ${ref.id} is not in the cache`));
    return clip;
  }

  #error(err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    this.#post({ t: 'error', message: e.message, stack: e.stack });
  }
}
