/**
 * Messages between the main thread and a media worker thread. Sessions are
 * named by a number the main thread picks (`sid`); prompt clips travel as
 * G.711 already encoded for the session's codec, either by id from the
 * worker's clip cache (sent once per worker, in shared memory) or whole for
 * one play (audio with a caller's values in it, never cached).
 */
import type { G711Name } from '../../media/index.ts';
import type { StreamParams } from '../rtp-stream.ts';

/** What a worker is started with (workerData). */
export interface MediaWorkerData {
  host: string;
  /** This worker's slice of CLAVE_RTP_PORT_MIN..MAX: no two workers bind the same port. */
  ports: { min: number; max: number };
  /** The shared figures of every worker's clock (ClockStatsBoard), and this worker's slot in it. */
  stats: SharedArrayBuffer;
  slot: number;
  /** RTCP's minimum report interval; tests shorten it. */
  rtcpIntervalMs?: number;
}

/**
 * A clip of a play: `id` alone names one the worker already holds; `id`
 * with `bytes` (shared memory) is one to keep; `bytes` alone is played once
 * and dropped.
 */
export type ClipRef = { id: number; bytes?: Uint8Array } | { id?: undefined; bytes: Uint8Array };

export type ToWorker =
  | { t: 'open'; sid: number }
  | { t: 'negotiated'; sid: number; params: StreamParams }
  | { t: 'start'; sid: number }
  | { t: 'play'; sid: number; seq: number; codec: G711Name; bargeIn: boolean; clips: ClipRef[] }
  | { t: 'stop'; sid: number }
  | { t: 'close'; sid: number }
  /** Clips the main thread will not name again (its per-worker budget evicted them). */
  | { t: 'forget'; ids: number[] }
  /** Close every session, then let the thread end. */
  | { t: 'shutdown' };

export type FromWorker =
  | { t: 'opened'; sid: number; port: number }
  | { t: 'openFailed'; sid: number; exhausted: boolean; message: string }
  /** A key; `cut` is the play the worker stopped for it (barge-in), if any. */
  | { t: 'digit'; sid: number; key: string; cut: number | null }
  | { t: 'ended'; sid: number; seq: number }
  /** A media tick or a message threw (a bug); the worker goes on. */
  | { t: 'error'; message: string; stack: string | undefined }
  /** At start: the scheduling priority the thread got (its nice value), or why it kept the default. */
  | { t: 'priority'; nice: number | null; reason?: string };
