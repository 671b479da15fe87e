import { ClaveError, systemClock, type Clock, type Sensitive } from '../../shared/index.ts';
import type { DeliveryChannel, DeliveryMessage, DeliveryReceipt, DeliveryResult } from '../types.ts';
import { checkBodyTemplate, fillBodyTemplate, type JsonValue } from './body-template.ts';
import { header, verifyCallbackSignature, type CallbackSignatureOptions, type HeaderBag } from './callback-signature.ts';
import { errorForStatus, outcomeUnknown, readCapped, requestFailure } from './http-sms-response.ts';
import { readId } from './json-path.ts';
import { watchRequest } from './sent-probe.ts';
import { receiptsFromStatus, type StatusMapping } from './status-receipts.ts';

/** How the provider's status callbacks are authenticated and read. */
export interface HttpSmsCallbackOptions extends CallbackSignatureOptions, Partial<StatusMapping> {}

export interface HttpSmsChannelOptions {
  url: string;
  method?: 'POST' | 'PUT';
  /** Sent with every request, e.g. `{ Authorization: new Sensitive('Bearer …') }`. */
  headers?: Record<string, string | Sensitive<string>>;
  /** RFC 7617 Basic credentials, as an alternative to an Authorization header. */
  basicAuth?: { user: string; password: Sensitive<string> };
  /** 'json' (default) or 'form' (application/x-www-form-urlencoded, flat templates only). */
  bodyEncoding?: 'json' | 'form';
  /** The request body with `{{to}}`, `{{text}}`, `{{id}}`, `{{from}}`, `{{validitySeconds}}`, `{{callbackUrl}}` (see fillBodyTemplate). */
  bodyTemplate: JsonValue;
  /** Dot path to the provider's message id in a 2xx JSON answer; without it the outbox id stands as providerId. */
  idPath?: string;
  /** Whole request, answer included; default 10 s. */
  timeoutMs?: number;
  /** Sender id or number for `{{from}}`. */
  from?: string;
  /** Where the provider should post status callbacks, for `{{callbackUrl}}`. */
  callbackUrl?: string;
  /** With it, receipts are expected (`awaitingReceipt`) and handleStatusCallback checks and reads them. */
  callback?: HttpSmsCallbackOptions;
  clock?: Clock;
}

export type StatusCallbackResult = { ok: true; receipts: DeliveryReceipt[] } | { ok: false; reason: string };

export interface HttpSmsChannel extends DeliveryChannel {
  readonly provider: 'http-sms';
  deliver(msg: DeliveryMessage): Promise<DeliveryResult>;
  onReceipt(listener: (receipt: DeliveryReceipt) => void): () => void;
  /**
   * Checks and reads one status callback (the lead's route passes the raw body
   * and headers); emits its receipts to the listeners and returns them. Not ok
   * means answer 401/400 and emit nothing.
   */
  handleStatusCallback(rawBody: Buffer, headers: HeaderBag): StatusCallbackResult;
  close(): Promise<void>;
}

/**
 * SMS through a provider's HTTP API, described by configuration alone: the
 * request is the body template filled with the message, sent with the
 * configured headers and an `Idempotency-Key: {outbox id}` (providers that
 * honour it drop a retry of a message they already took). The message text
 * never appears in an error: only statuses and codes do.
 *
 * @example
 *   const sms = createHttpSmsChannel(parseHttpSmsConfig(process.env.CLAVE_SMS_HTTP_CONFIG!));
 *   await sms.deliver({ id, channel: 'sms', to: '+34600000001', subject: null, text, language: 'es', expiresAt });
 *   // route: const r = sms.handleStatusCallback(rawBody, req.headers); reply.code(r.ok ? 204 : 401)
 */
export function createHttpSmsChannel(options: HttpSmsChannelOptions): HttpSmsChannel {
  const clock = options.clock ?? systemClock;
  const encoding = options.bodyEncoding ?? 'json';
  checkBodyTemplate(options.bodyTemplate, { from: options.from, callbackUrl: options.callbackUrl, bodyEncoding: encoding });
  const awaitingReceipt = options.callback !== undefined;
  const listeners = new Set<(receipt: DeliveryReceipt) => void>();
  const inFlight = new Set<AbortController>();
  let closed = false;

  const requestHeaders = (id: string): Headers => {
    const h = new Headers();
    for (const [name, value] of Object.entries(options.headers ?? {})) h.set(name, typeof value === 'string' ? value : value.reveal());
    if (options.basicAuth) {
      h.set('Authorization', `Basic ${Buffer.from(`${options.basicAuth.user}:${options.basicAuth.password.reveal()}`, 'utf8').toString('base64')}`);
    }
    h.set('Content-Type', encoding === 'json' ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded; charset=utf-8');
    h.set('Accept', 'application/json');
    h.set('Idempotency-Key', id);
    return h;
  };

  return {
    provider: 'http-sms',

    async deliver(msg) {
      if (closed) throw new ClaveError('DELIVERY_UNAVAILABLE', 'SMS HTTP channel is closed');
      if (msg.channel !== 'sms') throw new ClaveError('DELIVERY_REJECTED', `SMS HTTP channel given a '${msg.channel}' message`, { channel: msg.channel });
      const now = clock.now();
      const validitySeconds = msg.expiresAt === null ? null : Math.floor((msg.expiresAt.getTime() - now) / 1000);
      // A validity of 0 means "the provider's default" to many APIs, days long: never send one.
      if (validitySeconds !== null && validitySeconds < 1) throw new ClaveError('DELIVERY_REJECTED', 'SMS expired before it could be sent');
      const filled = fillBodyTemplate(options.bodyTemplate, {
        to: msg.to,
        text: msg.text,
        id: msg.id,
        from: options.from ?? null,
        validitySeconds,
        callbackUrl: options.callbackUrl ?? null,
      });
      const body = encoding === 'json' ? JSON.stringify(filled) : formBody(filled);

      const controller = new AbortController();
      inFlight.add(controller);
      let timedOut = false;
      const timer = clock.setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, options.timeoutMs ?? 10_000);
      const probe = watchRequest(msg.id);
      try {
        let res: Response;
        try {
          res = await fetch(options.url, { method: options.method ?? 'POST', headers: requestHeaders(msg.id), body, signal: controller.signal, redirect: 'manual' });
        } catch (err) {
          throw requestFailure(err, probe.sent, timedOut);
        }
        if (res.status < 200 || res.status >= 300) {
          await res.body?.cancel().catch(() => {});
          throw errorForStatus(res.status, res.headers.get('retry-after'), clock.now());
        }
        if (options.idPath === undefined) {
          await res.body?.cancel().catch(() => {});
          return { providerId: msg.id, awaitingReceipt };
        }
        let answer: unknown;
        try {
          answer = JSON.parse(await readCapped(res));
        } catch {
          throw outcomeUnknown(`SMS provider answered ${res.status} with a body we could not read as JSON${timedOut ? ' (timed out)' : ''}`, res.status);
        }
        const providerId = readId(answer, options.idPath);
        if (providerId === null) throw outcomeUnknown(`SMS provider answered ${res.status} without an id at ${options.idPath}`, res.status);
        return { providerId, awaitingReceipt };
      } finally {
        clock.clearTimeout(timer);
        probe.release();
        inFlight.delete(controller);
      }
    },

    onReceipt(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    handleStatusCallback(rawBody, headers) {
      const cb = options.callback;
      if (cb === undefined) return { ok: false, reason: 'no status callback configured' };
      const check = verifyCallbackSignature(rawBody, headers, cb, clock.now());
      if (!check.ok) return check;
      let body: unknown;
      try {
        body = /application\/x-www-form-urlencoded/i.test(header(headers, 'content-type') ?? '')
          ? Object.fromEntries(new URLSearchParams(rawBody.toString('utf8')))
          : JSON.parse(rawBody.toString('utf8'));
      } catch {
        return { ok: false, reason: 'body is not JSON' };
      }
      const result = receiptsFromStatus(body, statusMapping(cb), 'http-sms', new Date(clock.now()));
      if (!result.ok) return result;
      emit(listeners, result.receipts);
      return result;
    },

    close() {
      closed = true;
      for (const c of inFlight) c.abort();
      return Promise.resolve();
    },
  };
}

function statusMapping(cb: HttpSmsCallbackOptions): StatusMapping {
  return {
    ...(cb.itemsPath === undefined ? {} : { itemsPath: cb.itemsPath }),
    idPath: cb.idPath ?? 'id',
    statusPath: cb.statusPath ?? 'status',
    ...(cb.detailPath === undefined ? {} : { detailPath: cb.detailPath }),
    deliveredValues: cb.deliveredValues ?? ['delivered'],
    failedValues: cb.failedValues ?? ['failed', 'undelivered', 'rejected', 'expired'],
  };
}

/** Every listener hears every receipt, even when one throws; their errors are thrown together afterwards. */
function emit(listeners: Set<(receipt: DeliveryReceipt) => void>, receipts: DeliveryReceipt[]): void {
  const errors: unknown[] = [];
  for (const receipt of receipts) {
    for (const listener of listeners) {
      try {
        listener(receipt);
      } catch (err) {
        errors.push(err);
      }
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, 'A delivery receipt listener failed');
}

function formBody(filled: JsonValue): string {
  const params = new URLSearchParams();
  if (typeof filled === 'object' && filled !== null && !Array.isArray(filled)) {
    for (const [key, value] of Object.entries(filled)) {
      if (value !== null) params.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
    }
  }
  return params.toString();
}
