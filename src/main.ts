/**
 * The composition root: the only place that reads the environment, builds
 * the real pieces, wires them and listens. `npm start` runs it; tests call
 * startClave() with their own config, clock and in-memory store.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import {
  bankProbe, createDrillableBank, createReferenceBank, createResilientBank, importDataset, isBankEmpty, type BankPort, type ResilientBank,
} from './bank/index.ts';
import { CallRecords, createLine, lastKnownAnnouncer, RefusalLog, type Line } from './call/index.ts';
import { createRtpMedia, createThreadedMedia, registerSoftphone, startSipServer, type MediaClockStats, type RtpMedia, type SipServer } from './channel/index.ts';
import { loadConfig, type Config } from './config/index.ts';
import { loadOrCreateKeys } from './crypto/index.ts';
import { loadFlows } from './flow/index.ts';
import { buildApp } from './http/index.ts';
import { createIdentity } from './identity/index.ts';
import { createLogger, type Logger } from './log/index.ts';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createDeliveryChannels, type DeliveryChannels } from './delivery.ts';
import { startStatusSide } from './status-setup.ts';
import { withSecurityNotice } from './security-notice.ts';
import { callbackDialer } from './callback-setup.ts';
import { createLineMetrics, registerMediaMetrics } from './line-metrics.ts';
import { callbacksApi, createCallbacks, type CallbackDialer, type Callbacks } from './callback/index.ts';
import { marketOf, type IncidentsService, type OutageDetector } from './incidents/index.ts';
import {
  createChannelHealth, createDeliveryMetrics, createOutbox, createOutboxWorker, type DevMailbox, type DeliveryReceipt, type OutboxWorker,
} from './notify/index.ts';
import { createServices } from './services/index.ts';
import { createOperators, createSecurityModes, loadOperatorsFile, operatorTokenKey, type Operators } from './operators/index.ts';
import { createSpeech, type Speech } from './speech/index.ts';
import { ClaveError, repeat, systemClock, type Clock } from './shared/index.ts';
import { openStore, type Db } from './store/index.ts';

const RECONCILE_EVERY_MS = 60_000;
/** How often the call-back queue looks for due requests. */
const CALLBACK_TICK_MS = 2000;

export const DEMO_DATASET = fileURLToPath(new URL('../datasets/demo-bank.json', import.meta.url));

export interface StartOptions {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  /** Keep the store in memory (tests): no files under dataDir but the admin token and keys. */
  inMemory?: boolean;
  /** Outbox worker poll interval (tests shorten it). */
  outboxPollMs?: number;
}

export interface Clave {
  app: FastifyInstance;
  url: string;
  adminToken: string;
  db: Db;
  bank: BankPort;
  line: Line;
  devMailbox: DevMailbox | undefined;
  worker: OutboxWorker;
  /** Present when SIP is on (CLAVE_SIP_PORT). */
  sip: SipServer | undefined;
  /** The media clock's figures (summed over the media threads), when SIP is on (metrics). */
  mediaClock: MediaClockStats | undefined;
  /** Incidents, maintenance and the public view (its scheduler runs by itself; tests may tick it). */
  incidents: IncidentsService;
  /** The outage detector (it ticks by itself every minute; tests may tick it). */
  detector: OutageDetector;
  /** Named operators (as `clave operator add` manages them). */
  operators: Operators;
  /** The bank as the line reaches it: deadlines, circuit, health. */
  bankLink: ResilientBank;
  /** Signing keys by call-back: the queue of outbound calls (it ticks by itself when a trunk is configured). */
  callbacks: Callbacks;
  /** Stops taking calls, lets calls in progress end (bounded), then closes everything. Idempotent. */
  stop(): Promise<void>;
}

export async function startClave(options: StartOptions): Promise<Clave> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  await mkdir(config.dataDir, { recursive: true });

  const keys = await loadOrCreateKeys(options.inMemory ? undefined : config.dataDir);
  const zpk = config.zpk ?? keys.zpk;
  const adminToken = config.adminToken ?? (await loadOrCreateToken(config.dataDir, logger));
  const bundle = await loadFlows(config.flowsDir);
  const db = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: options.inMemory ? undefined : config.dataDir,
    guard: {
      clock,
      // Once per change, not per failed query: a full disk fails every write for as long as it lasts.
      onChange: (now, before) => {
        if (now.state === 'failing') logger.error({ store: now }, `the database is failing: ${now.message}; calls end with an apology until it recovers`);
        else if (before.state === 'failing') logger.info({ store: now, was: before.condition, since: before.since }, 'the database works again');
      },
    },
  });

  const outbox = createOutbox({ clock, dataKey: keys.dataKey });
  if (!config.referenceBank) {
    await db.close();
    throw new ClaveError('INVALID_CONFIG', 'CLAVE_REFERENCE_BANK=off needs a bank adapter, and none is configured');
  }
  const bank = createReferenceBank({ db, clock, keys: { zpk, pvk: keys.bank.pvk, pvki: keys.bank.pvki, secretKey: keys.bank.secretKey }, notifier: outbox });
  if (await isBankEmpty(db)) {
    const file = config.dataset ?? DEMO_DATASET;
    const summary = await importDataset(db, JSON.parse(await readFile(file, 'utf8')) as unknown, { pvk: keys.bank.pvk, pvki: keys.bank.pvki, clock });
    logger.info({ file, ...summary }, 'reference bank loaded from dataset');
  }

  // The line reaches the bank through deadlines and a circuit breaker fed by live calls and a
  // periodic probe; the reference bank takes drills (POST /bank/drill) so operators can rehearse.
  const drillable = createDrillableBank(bank, { clock, token: adminToken, logger });
  const bankLink = createResilientBank(drillable.bank, {
    clock,
    logger,
    deadlineMs: config.bankDeadlineMs,
    healthCheck: { everyMs: config.bankProbeMs, probe: bankProbe(drillable.bank) },
  });
  bankLink.onChange((health) => {
    if (health.available) logger.info('bank reachable again: self-service resumes');
    else logger.error({ circuit: health.circuit, lastError: health.lastError }, 'bank unreachable: callers are told and offered an agent');
  });
  // Named operators (`clave operator add NAME`), and the security mode two of them switch.
  const operators = createOperators({
    db, clock, key: operatorTokenKey(keys.dataKey), adminToken,
    fileOperators: config.operatorsFile ? await loadOperatorsFile(config.operatorsFile) : [],
  });
  const modes = createSecurityModes({ db, clock, logger });
  await modes.start();
  modes.onChange((current) => logger.warn({ mode: current.mode, reason: current.reason }, 'security mode changed'));
  const identity = createIdentity({ db, bank: bankLink, clock, zpk, defaultCountryCode: config.defaultCountry, securityMode: modes });
  let delivery: DeliveryChannels;
  try {
    delivery = createDeliveryChannels(config, { clock, logger });
  } catch (err) {
    await db.close();
    throw err;
  }
  const devMailbox = delivery.devMailbox;
  const health = createChannelHealth(delivery.channels);
  const metricsRegistry = new Registry();
  collectDefaultMetrics({ register: metricsRegistry });
  const worker = createOutboxWorker({
    db,
    outbox,
    clock,
    channels: delivery.channels,
    dataKey: keys.dataKey,
    logger,
    health,
    metrics: createDeliveryMetrics(metricsRegistry, health),
    batch: config.outboxBatch,
    leaseMs: config.outboxLeaseMs,
    // A channel that has not answered within half the lease counts as failed, before another process may take the message.
    deliverTimeoutMs: Math.min(60_000, config.outboxLeaseMs / 2),
    ...(options.outboxPollMs ? { pollMs: options.outboxPollMs } : {}),
  });
  health.onChange((channel, status) => {
    if (status.available) logger.info({ channel, provider: status.provider }, 'delivery channel recovered');
    else logger.error({ channel, provider: status.provider, circuit: status.circuit }, 'delivery channel failing: the line stops promising its messages');
  });
  const nodeId = config.nodeId ?? 'clave-1';
  // Signing keys by call-back (heightened mode): a durable queue the services write to, dialled through the
  // trunk once the line and SIP exist (the dialer is bound below).
  const dialerRef: { dialer?: CallbackDialer } = {};
  const callbacks = createCallbacks({
    db, clock, logger, nodeId,
    dialer: { deliver: (req, signal) => (dialerRef.dialer ? dialerRef.dialer.deliver(req, signal) : Promise.resolve({ kind: 'not_answered', reason: 'not_configured' })) },
  });
  const canCallBack = config.sipTrunk !== undefined && config.sipPort !== null;
  const services = createServices({
    db, bank: bankLink, outbox, clock, dataKey: keys.dataKey, delivery: health, securityMode: modes, ...(canCallBack ? { callbacks } : {}),
  });

  const records = new CallRecords(db, nodeId);
  const orphans = await records.closeOrphans(new Date(clock.now()));
  if (orphans > 0) logger.warn({ orphans }, 'calls left live by a previous run were closed as service_unavailable');
  await services.reconcile();
  // Actions a crash or a dead bank left half-done are finished (or cancelled) by the minute, not only at start.
  const reconciling = repeat(
    clock,
    () => RECONCILE_EVERY_MS,
    async () => {
      const summary = await services.reconcile();
      if (summary.done + summary.failed + summary.cancelled > 0) logger.info(summary, 'reconciled service actions');
    },
    (err) => logger.error({ err }, 'reconciliation failed; trying again in a minute'),
  );

  const status = await startStatusSide(config, { db, clock, logger, outbox, dataKey: keys.dataKey });
  // Callers refused at capacity leave no call record: counted here, so the outage detector sees the whole surge.
  const refusals = new RefusalLog(db, { clock, logger, nodeId });
  refusals.start();
  const line = createLine({
    // Counted on /metrics (lineMetrics, below).
    onCallEnded: (call) => lineMetrics.callEnded(call),
    refusals,
    reporter: status.detector,
    // The last announcement that worked is spoken when the store cannot be read (a database outage).
    // Callers hear the security mode, then the incidents that concern them.
    announcer: withSecurityNotice(
      lastKnownAnnouncer(status.incidents, { clock, logger, marketOf: (caller) => marketOf(caller, status.incidents.config)?.id ?? null }),
      modes,
      bundle.catalogs,
    ),
    admission: { ...(config.maxCalls ? { maxCalls: config.maxCalls } : {}), atCapacity: config.atCapacity, retryAfterSeconds: config.retryAfterSeconds },
    bundle,
    identity,
    services,
    records,
    clock,
    logger,
    agents: config.agentUri ? { agent: config.agentUri } : {},
    maxCallMs: config.maxCallMs,
    defaultCountryCode: config.defaultCountry,
  });
  // The line's figures on /metrics, read when Prometheus scrapes (the media clock's join them once SIP is up).
  const lineMetrics = createLineMetrics(metricsRegistry, {
    line: () => line.stats(),
    bank: () => bankLink.health(),
    store: () => db.health(),
    securityMode: () => modes.current().mode,
    openAlerts: () => status.incidents.alerts().then((all) => all.filter((a) => a.acknowledgedAt === null).length, () => null),
    callbacks: () => callbacks.counts().catch(() => null),
  });

  const app = await buildApp({
    logger,
    adminToken,
    calls: records,
    outbox: { list: (query) => outbox.list(db, query), get: (id) => outbox.get(db, id) },
    delivery: health,
    metrics: metricsRegistry,
    ...(delivery.smsStatusCallback ? { smsStatusCallback: smsStatusRoute(delivery.smsStatusCallback, worker) } : {}),
    devMailbox,
    bankRoutes: async (app) => {
      await app.register(bank.routes);
      await app.register(drillable.routes);
    },
    softphone: (server) => registerSoftphone(server, line, { clock }),
    health: () => {
      const store = db.health();
      const bankHealth = bankLink.health();
      // Degraded: the line answers, but says sorry for what the store or the bank cannot do.
      const status = store.state === 'ok' && bankHealth.available ? 'ok' : 'degraded';
      return Promise.resolve({ status, liveCalls: line.live.size, store, bank: bankHealth });
    },
    // Every change is signed by an operator; named operators come with their own tokens later.
    incidents: { incidents: status.incidents, operatorOf: () => 'admin' },
    statusPage: {
      status: status.incidents,
      languages: status.incidents.config.languages,
      ...(status.incidents.config.timeZone ? { timeZone: status.incidents.config.timeZone } : {}),
      ...(config.publicUrl ? { publicUrl: `${config.publicUrl.replace(/\/+$/, '')}/status` } : {}),
    },
    subscriptions: { subscriptions: status.subscriptions, languages: status.incidents.config.languages },
    operators,
    securityModes: modes,
    apiRoutes: [callbacksApi(callbacks)],
  });
  let speech: Speech | undefined;
  let sip: SipServer | undefined;
  let media: RtpMedia | undefined;
  if (config.sipPort !== null) {
    speech = await createSpeech({
      dataDir: options.inMemory && !config.audioCacheDir ? undefined : (config.audioCacheDir ?? config.dataDir),
      ...(config.recordedPromptsDir ? { recordedDir: config.recordedPromptsDir } : {}),
      catalogs: bundle.catalogs,
      logger,
    });
    // Every fixed prompt is ready before the first call: no caller waits for synthesis.
    status.speakWith(speech.prompts);
    const warmed = await speech.prompts.warm();
    logger.info(warmed, 'prompt audio ready');
    const mediaOptions = {
      host: config.host,
      ...(config.advertisedHost ? { advertisedHost: config.advertisedHost } : {}),
      ports: config.rtpPorts,
      prompts: speech.prompts,
    };
    // RTP on worker threads (every core), or on this thread with CLAVE_MEDIA_THREADS=0.
    media =
      config.mediaThreads > 0
        ? createThreadedMedia({ ...mediaOptions, threads: config.mediaThreads, logger })
        : createRtpMedia({ ...mediaOptions, onError: (err) => logger.error({ err }, 'media tick failed') });
    registerMediaMetrics(metricsRegistry, media.clock);
    try {
      sip = await startSipServer({
        host: config.host,
        port: config.sipPort,
        ...(config.advertisedHost ? { advertisedHost: config.advertisedHost } : {}),
        clock,
        logger,
        line,
        media,
        trustedPeers: config.trustedPeers,
        ...(config.sipTrunk ? { trunk: config.sipTrunk } : {}),
      });
    } catch (err) {
      await media.close();
      throw err;
    }
  }
  await app.listen({ host: config.host, port: config.httpPort });
  worker.start();
  dialerRef.dialer = callbackDialer({ line, sip: () => sip, callerId: config.callbackCallerId, ringMs: config.callbackRingMs, logger });
  // Due call-backs are dialled within seconds, by whichever process claims them first.
  const callbackTicks = canCallBack
    ? repeat(clock, () => CALLBACK_TICK_MS, () => callbacks.tick(), (err) => logger.error({ err }, 'call-back queue tick failed; trying again shortly'))
    : undefined;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.httpPort;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let stopping: Promise<void> | undefined;
  return {
    app,
    url,
    adminToken,
    db,
    bank,
    line,
    devMailbox,
    worker,
    sip,
    mediaClock: media?.clock,
    incidents: status.incidents,
    detector: status.detector,
    operators,
    bankLink,
    callbacks,
    stop() {
      stopping ??= (async () => {
        // New calls are refused from here on (SIP: 503 + Retry-After; softphone: DRAINING);
        // calls in progress get the grace period, and the API stays up meanwhile.
        sip?.drain();
        reconciling.stop();
        callbackTicks?.stop();
        await line.drain(config.shutdownGraceMs);
        // Call-backs still on the phone after the grace period are ended; their requests wait for the next start.
        await callbacks.close();
        for (const call of line.live.values()) call.terminate('the line stopped');
        await Promise.race([Promise.all([...line.live.values()].map((c) => c.ended)), new Promise((r) => setTimeout(r, 2000))]);
        // Let the BYEs just sent get their answers before the sockets close.
        if (sip && sip.ua.calls.size > 0) await new Promise((r) => setTimeout(r, 1000));
        await app.close();
        await sip?.close();
        // The calls' media is closed with them; the media threads end after their RTCP BYEs.
        await media?.close();
        await speech?.close();
        // Records still waiting for the store get one last write.
        await line.close();
        await refusals.close();
        await status.stop();
        bankLink.stop();
        modes.stop();
        await worker.stop();
        await delivery.close();
        await db.close();
      })();
      return stopping;
    },
  };
}

/**
 * The HTTP SMS provider's status callback: the channel checks the signature
 * and reads the receipts; each is recorded before the provider hears 204, so
 * a receipt is never acknowledged and then lost.
 */
function smsStatusRoute(
  check: NonNullable<DeliveryChannels['smsStatusCallback']>,
  worker: OutboxWorker,
): (body: Buffer, headers: Record<string, string | string[] | undefined>) => Promise<{ ok: boolean; reason?: string }> {
  return async (body, headers) => {
    const result = check(body, headers);
    if (!result.ok) return result;
    for (const receipt of result.receipts satisfies DeliveryReceipt[]) await worker.receipt(receipt);
    return { ok: true };
  };
}

/** The admin token: kept in the data dir (mode 0600) so restarts keep it. */
async function loadOrCreateToken(dataDir: string, logger: Logger): Promise<string> {
  const file = join(dataDir, 'admin-token');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = randomBytes(24).toString('base64url');
  await writeFile(`${file}.tmp`, `${token}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  logger.info({ file }, 'generated an admin token');
  return token;
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    process.stderr.write(`clave: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const logger = createLogger({ level: config.logLevel });
  let clave: Clave;
  try {
    clave = await startClave({ config, logger });
  } catch (err) {
    logger.fatal({ err }, 'clave could not start');
    process.stderr.write(`clave: could not start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(
    [
      `Clave is answering on ${clave.url}`,
      `  softphone:  npx clave call --server ${clave.url} --from +34600111222 --to 950183313`,
      `  admin API:  Authorization: Bearer ${clave.adminToken}`,
      ...(clave.sip ? [`  SIP:        udp and tcp on ${config.host}:${clave.sip.port} (dial 950183313)`] : []),
      `  store:      ${clave.db.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${join(config.dataDir, 'pglite')}`}`,
      '',
    ].join('\n'),
  );
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'stopping: no new calls, waiting for calls in progress');
    clave.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (import.meta.main) await main();
