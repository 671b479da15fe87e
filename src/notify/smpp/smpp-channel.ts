import type { Logger } from '../../log/index.ts';
import { ClaveError, isClaveError, sleep, systemClock, type Clock, type TimerHandle } from '../../shared/index.ts';
import type {
  ChannelConnectionState, DeliveryChannel, DeliveryMessage, DeliveryReceipt, DeliveryResult,
} from '../types.ts';
import { ESME_RINVBNDSTS, formatStatus, submitErrorCode } from './command-status.ts';
import { parseReceipt } from './receipt.ts';
import { SendWindow } from './send-window.ts';
import { makePdu, pduNumber, pduString, pduText, smpp, type SmppPdu } from './smpp-lib.ts';
import { SmppLink, type LinkResponse } from './smpp-link.ts';
import { SMPP_DEFAULTS, sourceAddressType, type SmppChannelOptions, type SmppSettings } from './smpp-options.ts';
import { encodeSms, type EncodedSms } from './sms-encoding.ts';
import { validityPeriodFor } from './validity-period.ts';

export interface SmppChannel extends DeliveryChannel {
  readonly provider: 'smpp';
  onReceipt(listener: (receipt: DeliveryReceipt) => void): () => void;
  connectionState(): ChannelConnectionState;
  close(): Promise<void>;
}

/** SMPP 3.4 §5.2.4: interface_version 0x34 says we speak 3.4 (the library would announce 5.0). */
const INTERFACE_VERSION_34 = 0x34;
/** SMPP 3.4 §5.2.17: ask for an SMSC delivery receipt on final delivery outcome, success or failure. */
const REGISTERED_DELIVERY_FINAL = 0x01;

/**
 * SMS over SMPP 3.4: one bind_transceiver to the centre, kept up with
 * enquire_link and rebuilt with backoff and jitter after any drop; at most
 * `window` submit_sm awaiting their response; a pause whenever the centre
 * throttles; receipts (deliver_sm) turned into DeliveryReceipts.
 *
 * @example
 *   const sms = createSmppChannel({ ...parseSmppUrl(process.env.CLAVE_SMPP_URL), clock, logger });
 *   sms.onReceipt((r) => worker.recordReceipt(r));
 *   const { providerId, providerRefs } = await sms.deliver(message);
 */
export function createSmppChannel(options: SmppChannelOptions): SmppChannel {
  return new SmppChannelImpl(options);
}

interface Destination {
  ton: number;
  npi: number;
  addr: string;
}

class SmppChannelImpl implements SmppChannel {
  readonly provider = 'smpp' as const;
  readonly #options: SmppChannelOptions;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #random: () => number;
  readonly #settings: SmppSettings;
  readonly #source: { ton: number; npi: number };
  readonly #window: SendWindow;
  readonly #listeners = new Set<(receipt: DeliveryReceipt) => void>();
  #link: SmppLink | null = null;
  #bound = false;
  #connecting = false;
  #failures = 0;
  #reconnectTimer: TimerHandle | null = null;
  #bindWaiters = new Set<() => void>();
  #pausedUntil = 0;
  #throttlePause: number;
  #ref: number;
  #closing: Promise<void> | null = null;

  constructor(options: SmppChannelOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger;
    this.#random = options.random ?? Math.random;
    this.#settings = { ...SMPP_DEFAULTS, ...definedOnly(options) };
    const auto = sourceAddressType(options.sourceAddr);
    this.#source = { ton: options.sourceAddrTon ?? auto.ton, npi: options.sourceAddrNpi ?? auto.npi };
    this.#window = new SendWindow(this.#settings.window);
    this.#throttlePause = this.#settings.throttlePauseMs;
    this.#ref = Math.floor(this.#random() * 256);
    this.#connect();
  }

  connectionState(): ChannelConnectionState {
    if (this.#closing) return 'down';
    if (this.#bound) return 'up';
    // A first attempt, or the first after a drop, is "connecting"; once one has failed the line should know.
    return this.#failures === 0 ? 'connecting' : 'down';
  }

  onReceipt(listener: (receipt: DeliveryReceipt) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async deliver(msg: DeliveryMessage): Promise<DeliveryResult> {
    if (this.#closing) throw unavailable('closed');
    validityPeriodFor(msg.expiresAt, this.#clock.now()); // an expired message is refused before anything else
    const destination = destinationOf(msg.to);
    const sms = encodeSms(msg.text, this.#nextRef());
    await this.#boundLink();
    const ids: string[] = [];
    for (let part = 0; part < sms.parts.length; part++) {
      try {
        ids.push(await this.#submitPart(msg, destination, sms, part));
      } catch (err) {
        throw ids.length > 0 ? afterPartialAcceptance(err, ids.length, sms.parts.length) : err;
      }
    }
    return { providerId: ids[0] ?? '', providerRefs: ids, awaitingReceipt: true };
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    if (this.#reconnectTimer) this.#clock.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#window.close();
    this.#wakeBindWaiters();
    // Submits already out get their answer (or their timeout) before we unbind.
    await this.#window.drained();
    const link = this.#link;
    if (link && this.#bound) await link.unbind();
    else link?.destroy('closing');
    this.#bound = false;
  }

  async #submitPart(msg: DeliveryMessage, to: Destination, sms: EncodedSms, part: number): Promise<string> {
    const release = await this.#window.acquire();
    try {
      await this.#holdWhileThrottled();
      const link = await this.#boundLink();
      const pdu = makePdu('submit_sm', {
        source_addr_ton: this.#source.ton,
        source_addr_npi: this.#source.npi,
        source_addr: this.#options.sourceAddr,
        dest_addr_ton: to.ton,
        dest_addr_npi: to.npi,
        destination_addr: to.addr,
        esm_class: sms.esmClass,
        // Computed as each part leaves, so no part outlives the message.
        validity_period: validityPeriodFor(msg.expiresAt, this.#clock.now()),
        registered_delivery: REGISTERED_DELIVERY_FINAL,
        data_coding: sms.dataCoding,
        short_message: sms.parts[part],
      });
      return this.#outcome(link, await link.request(pdu), part, sms.parts.length);
    } finally {
      release();
    }
  }

  #outcome(link: SmppLink, response: LinkResponse, part: number, parts: number): string {
    const where = { part: part + 1, parts };
    switch (response.kind) {
      case 'unsent':
        throw unavailable('not_connected', where);
      case 'timeout':
        throw new ClaveError('DELIVERY_OUTCOME_UNKNOWN', 'SMS centre did not answer submit_sm in time', {
          ...where, reason: 'no_response', timeoutMs: this.#settings.responseTimeoutMs,
        });
      case 'closed':
        throw new ClaveError('DELIVERY_OUTCOME_UNKNOWN', 'connection to the SMS centre dropped before submit_sm_resp', {
          ...where, reason: 'connection_lost',
        });
      case 'resp':
        break;
    }
    const status = response.pdu.command_status;
    if (status === 0) {
      this.#throttlePause = this.#settings.throttlePauseMs;
      return pduString(response.pdu, 'message_id') ?? '';
    }
    const code = submitErrorCode(status);
    const details = { ...where, commandStatus: formatStatus(status) };
    if (code === 'DELIVERY_THROTTLED') {
      const pauseMs = this.#throttlePause;
      this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + pauseMs);
      this.#throttlePause = Math.min(pauseMs * 2, this.#settings.throttlePauseMaxMs);
      this.#logger?.warn({ commandStatus: details.commandStatus, pauseMs }, 'smpp: centre throttles; holding back');
      throw new ClaveError(code, 'SMS centre asked to slow down', { ...details, retryAfterMs: pauseMs });
    }
    if (status === ESME_RINVBNDSTS) link.destroy('centre says not bound'); // rebind
    throw new ClaveError(code, code === 'DELIVERY_REJECTED' ? 'SMS centre refused the message' : 'SMS centre failed to take the message', details);
  }

  async #holdWhileThrottled(): Promise<void> {
    for (let wait = this.#pausedUntil - this.#clock.now(); wait > 0; wait = this.#pausedUntil - this.#clock.now()) {
      await sleep(this.#clock, wait);
    }
  }

  /** The bound link, waiting up to bindWaitMs for one; DELIVERY_UNAVAILABLE otherwise. */
  async #boundLink(): Promise<SmppLink> {
    const ready = () => (this.#bound && this.#link && !this.#closing ? this.#link : null);
    const now = ready();
    if (now) return now;
    if (!this.#closing) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#clock.clearTimeout(timer);
          this.#bindWaiters.delete(wake);
          resolve();
        };
        const timer = this.#clock.setTimeout(wake, this.#settings.bindWaitMs);
        this.#bindWaiters.add(wake);
      });
    }
    const later = ready();
    if (later) return later;
    throw unavailable(this.#closing ? 'closed' : 'not_bound');
  }

  #wakeBindWaiters(): void {
    for (const wake of [...this.#bindWaiters]) wake();
    this.#bindWaiters.clear();
  }

  #connect(): void {
    this.#reconnectTimer = null;
    if (this.#closing || this.#connecting) return;
    this.#connecting = true;
    const session = smpp.connect({ host: this.#options.host, port: this.#settings.port });
    const link: SmppLink = new SmppLink(session, {
      clock: this.#clock,
      responseTimeoutMs: this.#settings.responseTimeoutMs,
      enquireLinkMs: this.#settings.enquireLinkMs,
      onRequest: (pdu) => this.#onRequest(link, pdu),
      onClose: (reason) => this.#onLinkClosed(link, reason),
    });
    this.#link = link;
    void this.#bind(link);
  }

  // SMPP 3.4 §4.1.5: bind_transceiver, so submits and receipts share one session.
  async #bind(link: SmppLink): Promise<void> {
    if (!(await link.connected)) return;
    const response = await link.request(makePdu('bind_transceiver', {
      system_id: this.#options.systemId,
      password: this.#options.password,
      system_type: this.#settings.systemType,
      interface_version: INTERFACE_VERSION_34,
      addr_ton: this.#source.ton,
      addr_npi: this.#source.npi,
    }));
    if (response.kind !== 'resp' || response.pdu.command_status !== 0) {
      const status = response.kind === 'resp' ? formatStatus(response.pdu.command_status) : response.kind;
      this.#logger?.warn({ host: this.#options.host, status }, 'smpp: bind failed');
      link.destroy(`bind failed (${status})`);
      return;
    }
    this.#connecting = false;
    this.#bound = true;
    this.#failures = 0;
    if (this.#closing) return; // close() unbinds it
    link.startKeepAlive();
    this.#logger?.info({ host: this.#options.host, port: this.#settings.port }, 'smpp: bound');
    this.#wakeBindWaiters();
  }

  #onLinkClosed(link: SmppLink, reason: string): void {
    if (link !== this.#link) return;
    const wasBound = this.#bound;
    this.#link = null;
    this.#bound = false;
    this.#connecting = false;
    if (this.#closing) return;
    if (!wasBound) this.#failures++;
    const base = Math.min(this.#settings.reconnectMaxMs, this.#settings.reconnectMinMs * 2 ** Math.max(0, this.#failures - 1));
    // Jitter in [base/2, base): many Clave processes losing one centre do not come back in step.
    const delay = Math.round(base / 2 + (this.#random() * base) / 2);
    this.#logger?.warn({ reason, wasBound, reconnectInMs: delay }, 'smpp: link down');
    this.#reconnectTimer = this.#clock.setTimeout(() => this.#connect(), delay);
  }

  #onRequest(link: SmppLink, pdu: SmppPdu): boolean {
    if (pdu.command !== 'deliver_sm') return false;
    // SMPP 3.4 §4.6.2: always answered, receipt or not, or the centre resends it.
    link.respond(pdu.response());
    const receipt = parseReceipt({
      esmClass: pduNumber(pdu, 'esm_class') ?? 0,
      receiptedMessageId: pduString(pdu, 'receipted_message_id'),
      messageState: pduNumber(pdu, 'message_state'),
      text: pduText(pdu),
    });
    if (receipt === null || receipt.status === null) return true; // a reply from a handset, or not final yet
    const event: DeliveryReceipt = {
      provider: 'smpp', providerRef: receipt.messageId, status: receipt.status, detail: receipt.detail, at: new Date(this.#clock.now()),
    };
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        this.#logger?.error({ providerRef: event.providerRef, err }, 'smpp: receipt listener failed');
      }
    }
    return true;
  }

  #nextRef(): number {
    this.#ref = (this.#ref + 1) & 0xff;
    return this.#ref;
  }
}

/** E.164 ("+34600000001") as SMPP wants it: digits, TON international, NPI ISDN (SMPP 3.4 §5.2.5, §5.2.6). */
function destinationOf(to: string): Destination {
  const match = /^\+?([0-9]{4,20})$/.exec(to.replace(/[\s-]/g, ''));
  if (!match?.[1]) throw new ClaveError('DELIVERY_REJECTED', 'not a phone number SMPP can address', { reason: 'invalid_destination' });
  return { ton: 1, npi: 1, addr: match[1] };
}

function unavailable(reason: string, details: Record<string, unknown> = {}): ClaveError {
  return new ClaveError('DELIVERY_UNAVAILABLE', 'SMS centre not available', { ...details, reason });
}

/**
 * Some parts already went out: a retry resends them, so the worker must treat
 * it like a lost answer (identical content), not as "nothing was sent".
 */
function afterPartialAcceptance(err: unknown, accepted: number, parts: number): unknown {
  if (!isClaveError(err)) return err;
  const code = err.code === 'DELIVERY_REJECTED' || err.code === 'DELIVERY_OUTCOME_UNKNOWN' ? err.code : 'DELIVERY_OUTCOME_UNKNOWN';
  return new ClaveError(code, `${err.message} (after ${accepted} of ${parts} parts were accepted)`, {
    ...err.details, partsAccepted: accepted, cause: err.code,
  });
}

/** The options that were given, so that an explicit `undefined` does not hide a default. */
function definedOnly(options: SmppChannelOptions): Partial<SmppSettings> {
  return Object.fromEntries(Object.entries(options).filter(([key, value]) => key in SMPP_DEFAULTS && value !== undefined));
}
