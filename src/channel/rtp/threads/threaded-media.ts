import type { Logger } from '../../../log/index.ts';
import { ClaveError } from '../../../shared/index.ts';
import type { RtpMedia, RtpMediaOptions } from '../media-factory.ts';
import { sdpAnswerer, sdpOfferer, sdpOrigin } from '../sdp-answerer.ts';
import { ClockStatsBoard } from './clock-stats-board.ts';
import { MediaThread } from './media-thread.ts';
import { portSlices } from './port-slices.ts';
import { SharedClips } from './shared-clips.ts';
import { ThreadSession } from './thread-session.ts';

export interface ThreadedMediaOptions extends Omit<RtpMediaOptions, 'onError'> {
  /** Worker threads (CLAVE_MEDIA_THREADS), at least 1. */
  threads: number;
  logger: Logger;
  /** Bytes of prompt clips each worker may hold (default 32 MiB: an hour of G.711). */
  clipBudgetBytes?: number;
  /** RTCP's minimum report interval; tests shorten it. */
  rtcpIntervalMs?: number;
}

export interface ThreadedMedia extends RtpMedia {
  readonly clock: ClockStatsBoard;
  readonly threads: readonly MediaThread[];
}

const DEFAULT_CLIP_BUDGET = 32 * 1024 * 1024;

/**
 * Media for SIP calls on worker threads, so the RTP of many calls runs on
 * every core while the main thread keeps SIP, the flows and the store. Each
 * worker has its own media clock, sockets and sessions, on its own slice of
 * the port range; a new call goes to the least loaded worker, and to the
 * others when that one's slice is full (then MEDIA_PORTS_EXHAUSTED: the UA
 * answers 503). Prompt audio is encoded once into shared memory (SharedClips).
 *
 * @example
 *   const media = createThreadedMedia({ threads: 2, host, ports: { min: 20000, max: 29999 }, prompts: speech.prompts, logger });
 *   const session = await media.create(callId); // a ThreadSession
 *   media.clock.worstLateMs; // the worst of the workers' clocks
 *   await media.close(); // after the calls
 */
export function createThreadedMedia(opts: ThreadedMediaOptions): ThreadedMedia {
  const count = Math.max(1, Math.floor(opts.threads));
  const board = new ClockStatsBoard(count);
  const clips = new SharedClips();
  const advertised = opts.advertisedHost ?? opts.host;
  const audio = (prompt: { id: string; text: string; params: Record<string, string>; language?: string }, language: string) =>
    opts.prompts.getPromptAudio({ id: prompt.id, text: prompt.text, params: prompt.params, language: prompt.language ?? language });
  const threads = portSlices(opts.ports, count).map(
    (ports, slot) =>
      new MediaThread({
        slot,
        host: opts.host,
        ports,
        board,
        clipBudgetBytes: opts.clipBudgetBytes ?? DEFAULT_CLIP_BUDGET,
        ...(opts.rtcpIntervalMs !== undefined ? { rtcpIntervalMs: opts.rtcpIntervalMs } : {}),
        onError: (err, died) => {
          if (died) opts.logger.error({ err, thread: died.slot, calls: died.calls }, 'media worker thread died: its calls are hung up; a new worker takes new calls');
          else opts.logger.error({ err }, 'media tick failed');
        },
        onPriority: (thread, nice, reason) => {
          if (nice === null) opts.logger.warn({ thread, reason }, 'media thread kept the default priority (raising it needs CAP_SYS_NICE)');
          else opts.logger.debug({ thread, nice }, 'media thread priority raised');
        },
      }),
  );
  let nextSid = 1;
  let closing: Promise<void> | null = null;

  return {
    clock: board,
    threads,
    async create() {
      if (closing) throw new ClaveError('MEDIA_PORTS_EXHAUSTED', 'The media threads are stopping', opts.ports);
      // Least loaded first; a full slice (or a worker that died while binding) passes the call on.
      const order = threads.filter((t) => t.accepting).sort((a, b) => a.load - b.load);
      let lost: Error | null = null;
      for (const thread of order) {
        const sid = nextSid++;
        let port: number | null;
        try {
          port = await thread.open(sid);
        } catch (err) {
          lost = err instanceof Error ? err : new Error(String(err));
          continue;
        }
        if (port === null) continue;
        // One o= per call, whichever side offers (RFC 3264 §8).
        const origin = sdpOrigin();
        return new ThreadSession({ thread, sid, port, host: opts.host, answer: sdpAnswerer(advertised, origin), offerer: sdpOfferer(advertised, origin), audio, clips });
      }
      if (lost) throw lost;
      throw new ClaveError('MEDIA_PORTS_EXHAUSTED', 'No free RTP/RTCP port pair in any media thread', { min: opts.ports.min, max: opts.ports.max });
    },
    close() {
      closing ??= Promise.all(threads.map((t) => t.close())).then(() => undefined);
      return closing;
    },
  };
}
