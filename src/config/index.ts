import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { ClaveError, Sensitive } from '../shared/index.ts';

const port = z.coerce.number().int().min(0).max(65535);
const flag = z.enum(['on', 'off', 'true', 'false', '1', '0']).transform((v) => v === 'on' || v === 'true' || v === '1');
const empty = (v: unknown) => (v === '' ? undefined : v);

/**
 * Every setting Clave reads from its environment, in one place. Only the
 * composition root calls loadConfig; everything else receives values.
 */
export const ConfigSchema = z.object({
  CLAVE_HOST: z.string().default('127.0.0.1'),
  CLAVE_HTTP_PORT: port.default(8080),
  CLAVE_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.preprocess(empty, z.string().url().optional()),
  CLAVE_DATASET: z.preprocess(empty, z.string().optional()),
  CLAVE_ADMIN_TOKEN: z.preprocess(empty, z.string().min(16, 'use at least 16 characters').optional()),
  CLAVE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CLAVE_FLOWS_DIR: z.preprocess(empty, z.string().optional()),
  /** Where "agent" transfers go; empty disables transfers (callers hear a polite message). */
  CLAVE_AGENT_URI: z.string().default('sip:agents@127.0.0.1'),
  /** The embedded reference bank; off when a deployment plugs in its own adapter. */
  CLAVE_REFERENCE_BANK: flag.default(true),
  /** The development mailbox is the delivery channel until real channels are configured. */
  CLAVE_DEV_MAILBOX: flag.default(true),
  CLAVE_NODE_ID: z.preprocess(empty, z.string().optional()),
  CLAVE_DEFAULT_COUNTRY: z.string().regex(/^[0-9]{1,3}$/).default('34'),
  CLAVE_MAX_CALL_SECONDS: z.coerce.number().int().min(30).max(7200).default(900),
  CLAVE_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** SIP over UDP and TCP on this port; "off" disables SIP. */
  CLAVE_SIP_PORT: z.union([z.literal('off'), port]).default(5060),
  /** The address SIP peers and RTP reach us at (Via, Contact, SDP); CLAVE_HOST by default. */
  CLAVE_ADVERTISED_HOST: z.preprocess(empty, z.string().optional()),
  CLAVE_RTP_PORT_MIN: port.default(20000),
  CLAVE_RTP_PORT_MAX: port.default(29999),
  /** Worker threads that send and receive RTP (split over the port range); 0 runs media on the main thread. */
  CLAVE_MEDIA_THREADS: z.coerce.number().int().min(0).max(64).default(Math.min(4, availableParallelism())),
  /** Comma-separated addresses whose P-Asserted-Identity is trusted (SIP trunks). */
  CLAVE_TRUSTED_PEERS: z.string().default(''),
  /** Studio recordings that replace synthesized prompts: <dir>/<language>/<promptId>.wav. */
  CLAVE_RECORDED_PROMPTS_DIR: z.preprocess(empty, z.string().optional()),
  /** Where synthesized prompt audio is cached (default: the data dir). */
  CLAVE_AUDIO_CACHE_DIR: z.preprocess(empty, z.string().optional()),
  /** Zone PIN key shared with the bank, 32 hex digits; generated in the data dir when unset. */
  CLAVE_ZPK: z.preprocess(empty, z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex digits').optional()),
  /** E-mail relay: smtp://user:pass@host:587 (STARTTLS) or smtps://…:465; unset: the development mailbox. */
  CLAVE_SMTP_URL: z.preprocess(empty, z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional()),
  /** The From of e-mails, e.g. "Banco Demo <no-reply@bank.example>". */
  CLAVE_SMTP_FROM: z.string().default('Clave <no-reply@clave.invalid>'),
  /** SMS centre: smpp://system_id:password@host:2775?source_addr=Bank&window=10; unset: see CLAVE_SMS_HTTP_CONFIG. */
  CLAVE_SMPP_URL: z.preprocess(empty, z.string().regex(/^smpp:\/\//, 'must start with smpp://').optional()),
  /** An HTTP SMS provider, as one JSON document (see the README); exclusive with CLAVE_SMPP_URL. */
  CLAVE_SMS_HTTP_CONFIG: z.preprocess(empty, z.string().optional()),
  /** Outbox messages claimed per round by this process's delivery worker. */
  CLAVE_OUTBOX_BATCH: z.coerce.number().int().min(1).max(500).default(20),
  /** How long a delivery worker's claim holds before another process may retry the message (a worker that died). */
  CLAVE_OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(2).max(3600).default(300),
  /** Components, markets and languages of the status page (YAML); default: the shipped src/incidents/defaults/status.yaml. */
  CLAVE_STATUS_CONFIG: z.preprocess(empty, z.string().optional()),
  /** The public address of this line's web side, for links in notices and the feed, e.g. https://status.bank.example. */
  CLAVE_PUBLIC_URL: z.preprocess(empty, z.string().url().optional()),
  /** A bank call that has not answered by then counts as failed (the caller is not kept waiting). */
  CLAVE_BANK_DEADLINE_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  /** How often the bank is probed, so a dead bank is known before a caller needs it. */
  CLAVE_BANK_PROBE_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  /** Concurrent calls the line takes; beyond it callers are refused politely (unset: no limit). */
  CLAVE_MAX_CALLS: z.preprocess(empty, z.coerce.number().int().min(1).max(100_000).optional()),
  /** At capacity: `announce` (a short spoken message, then a polite end) or `reject` (SIP 503 with Retry-After). */
  CLAVE_AT_CAPACITY: z.enum(['announce', 'reject']).default('announce'),
  /** The Retry-After of a refusal at capacity, in seconds. */
  CLAVE_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  /** Operators from a file as well as from the store: YAML [{name, tokenHash}] (see the README). */
  CLAVE_OPERATORS_FILE: z.preprocess(empty, z.string().optional()),
  /**
   * Where the calls the line places go (the signing key's call-back): the trunk or SBC as an outbound proxy,
   * `sip:HOST[:PORT]` over UDP, e.g. `sip:10.0.0.5:5060`. Unset: the line places no calls, and in the heightened
   * security mode a signing key is for an agent.
   */
  CLAVE_SIP_TRUNK: z.preprocess(empty, z.string().regex(/^sip:(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:;transport=udp)?$/, 'a SIP URI sip:HOST[:PORT] (UDP)').optional()),
  /**
   * The account the trunk asks for when it challenges our INVITEs with 401 or 407 (HTTP Digest: MD5 or SHA-256,
   * RFC 3261 §22, RFC 8760). Both or neither. Unset: a trunk that challenges refuses the call-back.
   */
  CLAVE_SIP_TRUNK_USER: z.preprocess(empty, z.string().max(256).optional()),
  CLAVE_SIP_TRUNK_PASSWORD: z.preprocess(empty, z.string().max(256).optional()),
  /** The caller ID of the call-back (the user part of From): a number the customer knows as the bank's. */
  CLAVE_CALLBACK_CALLER_ID: z.string().regex(/^\+?[0-9]{3,20}$/).default('950183313'),
  /** How long a call-back rings before the line gives up on that attempt. */
  CLAVE_CALLBACK_RING_SECONDS: z.coerce.number().int().min(5).max(120).default(30),
  /** Outgoing webhooks for incident events: a JSON array of {url, secret, events?}. */
  CLAVE_WEBHOOKS: z.preprocess(empty, z.string().optional()),
});

export interface Config {
  host: string;
  httpPort: number;
  dataDir: string;
  databaseUrl: string | undefined;
  dataset: string | undefined;
  adminToken: string | undefined;
  logLevel: string;
  flowsDir: string | undefined;
  agentUri: string;
  referenceBank: boolean;
  devMailbox: boolean;
  nodeId: string | undefined;
  defaultCountry: string;
  maxCallMs: number;
  shutdownGraceMs: number;
  zpk: Buffer | undefined;
  sipPort: number | null;
  advertisedHost: string | undefined;
  rtpPorts: { min: number; max: number };
  mediaThreads: number;
  trustedPeers: string[];
  recordedPromptsDir: string | undefined;
  audioCacheDir: string | undefined;
  smtpUrl: string | undefined;
  smtpFrom: string;
  smppUrl: string | undefined;
  smsHttpConfig: string | undefined;
  outboxBatch: number;
  outboxLeaseMs: number;
  statusConfigPath: string | undefined;
  publicUrl: string | undefined;
  webhooks: string | undefined;
  bankDeadlineMs: number;
  bankProbeMs: number;
  operatorsFile: string | undefined;
  maxCalls: number | undefined;
  atCapacity: 'announce' | 'reject';
  retryAfterSeconds: number;
  sipTrunk: { host: string; port: number; credentials?: { username: string; password: Sensitive } } | undefined;
  callbackCallerId: string;
  callbackRingMs: number;
}

/**
 * @example
 *   const config = loadConfig(process.env); // throws INVALID_CONFIG naming the variable
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new ClaveError('INVALID_CONFIG', `${name}: ${issue?.message ?? 'invalid'}`, { variable: name });
  }
  const c = parsed.data;
  if (c.CLAVE_SMPP_URL && c.CLAVE_SMS_HTTP_CONFIG) {
    throw new ClaveError('INVALID_CONFIG', 'CLAVE_SMS_HTTP_CONFIG: set either CLAVE_SMPP_URL or CLAVE_SMS_HTTP_CONFIG, not both', { variable: 'CLAVE_SMS_HTTP_CONFIG' });
  }
  if ((c.CLAVE_SIP_TRUNK_USER === undefined) !== (c.CLAVE_SIP_TRUNK_PASSWORD === undefined)) {
    const missing = c.CLAVE_SIP_TRUNK_USER === undefined ? 'CLAVE_SIP_TRUNK_USER' : 'CLAVE_SIP_TRUNK_PASSWORD';
    throw new ClaveError('INVALID_CONFIG', `${missing}: set both CLAVE_SIP_TRUNK_USER and CLAVE_SIP_TRUNK_PASSWORD, or neither`, { variable: missing });
  }
  if (c.CLAVE_SIP_TRUNK_USER !== undefined && !c.CLAVE_SIP_TRUNK) {
    throw new ClaveError('INVALID_CONFIG', 'CLAVE_SIP_TRUNK_USER: there is no CLAVE_SIP_TRUNK to use it with', { variable: 'CLAVE_SIP_TRUNK_USER' });
  }
  if (c.CLAVE_RTP_PORT_MAX - c.CLAVE_RTP_PORT_MIN < 2) {
    throw new ClaveError('INVALID_CONFIG', 'CLAVE_RTP_PORT_MAX: must be at least 2 above CLAVE_RTP_PORT_MIN', { variable: 'CLAVE_RTP_PORT_MAX' });
  }
  return {
    host: c.CLAVE_HOST,
    httpPort: c.CLAVE_HTTP_PORT,
    dataDir: c.CLAVE_DATA_DIR,
    databaseUrl: c.DATABASE_URL,
    dataset: c.CLAVE_DATASET,
    adminToken: c.CLAVE_ADMIN_TOKEN,
    logLevel: c.CLAVE_LOG_LEVEL,
    flowsDir: c.CLAVE_FLOWS_DIR,
    agentUri: c.CLAVE_AGENT_URI,
    referenceBank: c.CLAVE_REFERENCE_BANK,
    devMailbox: c.CLAVE_DEV_MAILBOX,
    nodeId: c.CLAVE_NODE_ID,
    defaultCountry: c.CLAVE_DEFAULT_COUNTRY,
    maxCallMs: c.CLAVE_MAX_CALL_SECONDS * 1000,
    shutdownGraceMs: c.CLAVE_SHUTDOWN_GRACE_SECONDS * 1000,
    zpk: c.CLAVE_ZPK ? Buffer.from(c.CLAVE_ZPK, 'hex') : undefined,
    sipPort: c.CLAVE_SIP_PORT === 'off' ? null : c.CLAVE_SIP_PORT,
    advertisedHost: c.CLAVE_ADVERTISED_HOST,
    rtpPorts: { min: c.CLAVE_RTP_PORT_MIN, max: c.CLAVE_RTP_PORT_MAX },
    mediaThreads: c.CLAVE_MEDIA_THREADS,
    trustedPeers: c.CLAVE_TRUSTED_PEERS.split(',').map((s) => s.trim()).filter(Boolean),
    recordedPromptsDir: c.CLAVE_RECORDED_PROMPTS_DIR,
    audioCacheDir: c.CLAVE_AUDIO_CACHE_DIR,
    smtpUrl: c.CLAVE_SMTP_URL,
    smtpFrom: c.CLAVE_SMTP_FROM,
    smppUrl: c.CLAVE_SMPP_URL,
    smsHttpConfig: c.CLAVE_SMS_HTTP_CONFIG,
    outboxBatch: c.CLAVE_OUTBOX_BATCH,
    outboxLeaseMs: c.CLAVE_OUTBOX_LEASE_SECONDS * 1000,
    statusConfigPath: c.CLAVE_STATUS_CONFIG,
    publicUrl: c.CLAVE_PUBLIC_URL,
    webhooks: c.CLAVE_WEBHOOKS,
    bankDeadlineMs: c.CLAVE_BANK_DEADLINE_MS,
    bankProbeMs: c.CLAVE_BANK_PROBE_SECONDS * 1000,
    operatorsFile: c.CLAVE_OPERATORS_FILE,
    maxCalls: c.CLAVE_MAX_CALLS,
    atCapacity: c.CLAVE_AT_CAPACITY,
    retryAfterSeconds: c.CLAVE_RETRY_AFTER_SECONDS,
    sipTrunk: c.CLAVE_SIP_TRUNK
      ? {
          ...trunkOf(c.CLAVE_SIP_TRUNK),
          ...(c.CLAVE_SIP_TRUNK_USER !== undefined && c.CLAVE_SIP_TRUNK_PASSWORD !== undefined
            ? { credentials: { username: c.CLAVE_SIP_TRUNK_USER, password: new Sensitive(c.CLAVE_SIP_TRUNK_PASSWORD) } }
            : {}),
        }
      : undefined,
    callbackCallerId: c.CLAVE_CALLBACK_CALLER_ID,
    callbackRingMs: c.CLAVE_CALLBACK_RING_SECONDS * 1000,
  };
}

/** `sip:host[:port][;transport=udp]` → where to send; IPv6 keeps no brackets. */
function trunkOf(uri: string): { host: string; port: number } {
  const m = /^sip:(\[[^\]]+\]|[^:;]+)(?::(\d+))?/.exec(uri)!;
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2] ? Number(m[2]) : 5060 };
}
