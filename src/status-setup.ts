import { hkdfSync } from 'node:crypto';
import type { Config } from './config/index.ts';
import { callTraffic } from './call/index.ts';
import {
  createIncidents, createOutageDetector, createSubscriptions, createWebhooks, loadStatusConfig, parseWebhooksConfig,
  type IncidentEvent, type IncidentsService, type OutageDetector, type Subscriptions, type Webhooks,
} from './incidents/index.ts';
import type { Logger } from './log/index.ts';
import type { NotifyOutbox } from './notify/index.ts';
import { repeat, type Clock } from './shared/index.ts';
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

  const onError = (what: string) => (err: unknown) => logger.error({ err }, `incidents: ${what} failed`);
  /** Milliseconds to `offsetMs` after the next minute boundary. */
  const toNextMinute = (offsetMs: number) => () => {
    const now = clock.now();
    return Math.floor((now - offsetMs) / MINUTE) * MINUTE + MINUTE + offsetMs - now;
  };
  await follow('maintenance tick', incidents.tick());
  const jobs = [
    repeat(clock, () => TICK_MS, () => incidents.tick(), onError('maintenance tick')),
    repeat(clock, () => PURGE_MS, () => subscriptions.purgeUnconfirmed(), onError('purging unconfirmed subscriptions')),
    // Aligned on the minute: an alert comes seconds after the minute that shows the surge, not up to a minute later.
    repeat(clock, toNextMinute(DETECT_AFTER_MINUTE_MS), () => detector.tick(), onError('outage detection')),
  ];
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
      for (const job of jobs) job.stop();
      await webhooks.stop();
    },
  };
}
