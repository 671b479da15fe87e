import { hkdfSync } from 'node:crypto';
import type { Config } from './config/index.ts';
import { callTraffic } from './call/index.ts';
import {
  createIncidents, createOutageDetector, createSubscriptions, createWebhooks, loadStatusConfig, parseWebhooksConfig,
  type IncidentEvent, type IncidentsService, type OutageDetector, type Subscriptions, type Webhooks,
} from './incidents/index.ts';
import type { Logger } from './log/index.ts';
import type { NotifyOutbox } from './notify/index.ts';
import type { Clock, TimerHandle } from './shared/index.ts';
import type { Db } from './store/index.ts';

/** Maintenance windows start, end and overrun on time: checked this often. */
const TICK_MS = 5_000;
/** Subscriptions never confirmed are purged this often. */
const PURGE_MS = 60 * 60_000;
/** The outage detector judges each whole minute, this long after it ends (the refusals of that minute are written at +1 s). */
const DETECT_AFTER_MINUTE_MS = 5_000;
const MINUTE = 60_000;

export interface StatusSide {
  incidents: IncidentsService;
  subscriptions: Subscriptions;
  webhooks: Webhooks;
  detector: OutageDetector;
  /** Speech to warm with every published text, once SIP (and so speech) is on. */
  speakWith(prompts: { getPromptAudio(p: { id: string; text: string; params: Record<string, string>; language: string }): Promise<unknown> }): void;
  stop(): Promise<void>;
}

/**
 * The incidents side of the line: the incidents service and its scheduler,
 * subscriber notices and webhooks fed by its events, and speech warmed when
 * a text is published, so publishing is the only slow step and no caller
 * waits for synthesis.
 *
 * @example
 *   const status = await startStatusSide(config, { db, clock, logger, outbox, dataKey });
 *   createLine({ ..., announcer: status.incidents });
 */
export async function startStatusSide(
  config: Config,
  deps: { db: Db; clock: Clock; logger: Logger; outbox: NotifyOutbox; dataKey: Buffer },
): Promise<StatusSide> {
  const { db, clock, logger } = deps;
  const statusConfig = await loadStatusConfig(config.statusConfigPath);
  // Separate keys for separate uses, all derived from the deployment's data key.
  const derive = (label: string) => Buffer.from(hkdfSync('sha256', deps.dataKey, Buffer.alloc(0), label, 32));
  const incidents = createIncidents({ db, clock, config: statusConfig, logger, callerKey: derive('clave/incidents/callers') });
  const subscriptions = createSubscriptions({
    db, outbox: deps.outbox, clock, config: statusConfig, logger, secretKey: derive('clave/incidents/subscriptions'),
    // Links in notices: the configured public address, else where this process listens.
    publicUrl: config.publicUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.httpPort}`,
  });
  const webhooks = createWebhooks({ db, clock, logger, endpoints: config.webhooks ? parseWebhooksConfig(config.webhooks) : [] });
  const detector = createOutageDetector({ db, clock, logger, incidents, config: statusConfig, traffic: callTraffic(db) });
  let speech: Parameters<StatusSide['speakWith']>[0] | undefined;

  const follow = (what: string, work: Promise<unknown>) =>
    work.catch((err: unknown) => logger.error({ err }, `incidents: ${what} failed`));
  incidents.onEvent((event: IncidentEvent) => {
    void follow('notifying subscribers', subscriptions.notify(event));
    void follow('queueing webhooks', webhooks.dispatch(event));
    if (speech && event.incident && event.incident.visibility === 'published' && event.type !== 'incident.resolved') {
      const { page: _page, spoken } = incidents.preview({
        status: event.incident.status === 'resolved' ? 'monitoring' : event.incident.status,
        cause: event.incident.cause, components: event.incident.components, markets: event.incident.markets,
        text: event.incident.text, publish: true,
      });
      const target = speech;
      for (const [language, pieces] of Object.entries(spoken)) {
        for (const piece of pieces) void follow('synthesising an announcement', target.getPromptAudio({ id: 'announcement', text: piece.text, params: {}, language: piece.language ?? language }));
      }
    }
  });

  const timers = new Set<TimerHandle>();
  let stopped = false;
  /** Runs `work` every `ms` after the previous run ended (never two at once), until stop(). */
  const every = (ms: number, what: string, work: () => Promise<unknown>) => {
    const handle = clock.setTimeout(() => {
      timers.delete(handle);
      void follow(what, work()).finally(() => {
        if (!stopped) every(ms, what, work);
      });
    }, ms);
    timers.add(handle);
  };
  /** Runs `work` `offsetMs` after every minute boundary (never two at once), until stop(). */
  const eachMinute = (offsetMs: number, what: string, work: () => Promise<unknown>) => {
    const now = clock.now();
    const next = Math.floor((now - offsetMs) / MINUTE) * MINUTE + MINUTE + offsetMs;
    const handle = clock.setTimeout(() => {
      timers.delete(handle);
      void follow(what, work()).finally(() => {
        if (!stopped) eachMinute(offsetMs, what, work);
      });
    }, next - now);
    timers.add(handle);
  };
  await follow('maintenance tick', incidents.tick());
  every(TICK_MS, 'maintenance tick', () => incidents.tick());
  every(PURGE_MS, 'purging unconfirmed subscriptions', () => subscriptions.purgeUnconfirmed());
  // Aligned on the minute: an alert comes seconds after the minute that shows the surge, not up to a minute later.
  eachMinute(DETECT_AFTER_MINUTE_MS, 'outage detection', () => detector.tick());
  webhooks.start();

  return {
    incidents,
    subscriptions,
    webhooks,
    detector,
    speakWith(prompts) {
      speech = prompts;
    },
    async stop() {
      stopped = true;
      for (const handle of timers) clock.clearTimeout(handle);
      timers.clear();
      await webhooks.stop();
    },
  };
}
