import type { Logger } from '../../log/index.ts';
import type { Clock } from '../../shared/index.ts';

/** How to reach and use one SMS centre; the defaults below apply to what is left out. */
export interface SmppChannelOptions {
  host: string;
  /** Default 2775 (the IANA port for SMPP). */
  port?: number;
  /** SMPP 3.4 §5.2.1: at most 15 characters. */
  systemId: string;
  /** SMPP 3.4 §5.2.2: at most 8 characters. */
  password: string;
  /** SMPP 3.4 §5.2.3; default empty. */
  systemType?: string;
  /** The sender shown on handsets: an alphanumeric name ("Clave") or a number. */
  sourceAddr: string;
  /** Default: 5 (alphanumeric) when sourceAddr has letters, else 1 (international). */
  sourceAddrTon?: number;
  /** Default: 0 (unknown) for an alphanumeric sender, else 1 (ISDN E.164). */
  sourceAddrNpi?: number;
  /** submit_sm awaiting their submit_sm_resp at once; more wait in a queue. Default 10. */
  window?: number;
  /** How long a request (and the TCP connect) waits for its answer before the outcome counts as unknown. Default 10 s. */
  responseTimeoutMs?: number;
  /** Quiet time after which we send enquire_link. Default 30 s. */
  enquireLinkMs?: number;
  /** How long a delivery waits for a bind when the link is down before it gives up. Default 2 s. */
  bindWaitMs?: number;
  /** First reconnect delay, doubled on each failed attempt up to reconnectMaxMs. Defaults 500 ms and 30 s. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** First hold-back after the centre throttles us, doubled while it keeps doing so. Defaults 250 ms and 5 s. */
  throttlePauseMs?: number;
  throttlePauseMaxMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** In [0, 1): for reconnect jitter and the first concatenation reference. Default Math.random. */
  random?: () => number;
}

/** The tunable options, all filled in. */
export interface SmppSettings {
  port: number;
  systemType: string;
  window: number;
  responseTimeoutMs: number;
  enquireLinkMs: number;
  bindWaitMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  throttlePauseMs: number;
  throttlePauseMaxMs: number;
}

export const SMPP_DEFAULTS: Readonly<SmppSettings> = {
  port: 2775,
  systemType: '',
  window: 10,
  responseTimeoutMs: 10_000,
  enquireLinkMs: 30_000,
  bindWaitMs: 2_000,
  reconnectMinMs: 500,
  reconnectMaxMs: 30_000,
  throttlePauseMs: 250,
  throttlePauseMaxMs: 5_000,
};

/** TON and NPI for a sender (SMPP 3.4 §5.2.5, §5.2.6): alphanumeric or an international number. */
export function sourceAddressType(sourceAddr: string): { ton: number; npi: number } {
  return /^\+?[0-9]+$/.test(sourceAddr) ? { ton: 1, npi: 1 } : { ton: 5, npi: 0 };
}
