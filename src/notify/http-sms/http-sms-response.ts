import { ClaveError } from '../../shared/index.ts';

/**
 * The ClaveError for a provider's non-2xx answer. Only the status and the
 * Retry-After go into it: a provider's error body may quote the message.
 *
 * - 429 → DELIVERY_THROTTLED (RFC 6585 §4), Retry-After in `details.retryAfterSeconds`.
 * - 408, 5xx → DELIVERY_UNAVAILABLE: the provider did not take it; retried.
 * - 401, 407 → DELIVERY_UNAVAILABLE: our credentials are wrong, not this message.
 * - 409 → DELIVERY_OUTCOME_UNKNOWN: providers answer so when the Idempotency-Key
 *   is already in use, i.e. an earlier attempt of this very message got through.
 * - 3xx → DELIVERY_UNAVAILABLE: redirects are not followed (a POST must not be re-sent elsewhere).
 * - other 4xx → DELIVERY_REJECTED: this message is refused for good (bad number, policy).
 *
 * @example
 *   errorForStatus(429, '30', Date.now()).details // { status: 429, retryAfterSeconds: 30 }
 */
export function errorForStatus(status: number, retryAfter: string | null, nowMs: number): ClaveError {
  const details: Record<string, unknown> = { status };
  const wait = retryAfterSeconds(retryAfter, nowMs);
  if (wait !== null) details.retryAfterSeconds = wait;
  if (status === 429) return new ClaveError('DELIVERY_THROTTLED', `SMS provider asked to slow down (429${wait === null ? '' : `, retry after ${wait} s`})`, details);
  if (status === 408 || status >= 500) return new ClaveError('DELIVERY_UNAVAILABLE', `SMS provider unavailable (${status})`, details);
  if (status === 401 || status === 407) return new ClaveError('DELIVERY_UNAVAILABLE', `SMS provider refused our credentials (${status}): check the headers or basicAuth of CLAVE_SMS_HTTP_CONFIG`, details);
  if (status === 409) return new ClaveError('DELIVERY_OUTCOME_UNKNOWN', 'SMS provider reports a conflict for this Idempotency-Key (409): an earlier attempt may have been taken', details);
  if (status >= 300 && status < 400) return new ClaveError('DELIVERY_UNAVAILABLE', `SMS provider redirected (${status}): check the url of CLAVE_SMS_HTTP_CONFIG`, details);
  if (status >= 400) return new ClaveError('DELIVERY_REJECTED', `SMS provider rejected the message (${status})`, details);
  return new ClaveError('DELIVERY_UNAVAILABLE', `SMS provider answered ${status}`, details);
}

/**
 * RFC 9110 §10.2.3: Retry-After = HTTP-date / delay-seconds. Seconds to wait
 * from now, never negative; null when absent or unreadable.
 */
export function retryAfterSeconds(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^[0-9]+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/**
 * The ClaveError for a fetch that failed without an answer. `sent` says
 * whether the whole request had been written (see sent-probe.ts): after that
 * the provider may have taken the message, so the outcome is unknown; before
 * it, nothing left and a retry is safe.
 */
export function requestFailure(err: unknown, sent: boolean, timedOut: boolean): ClaveError {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  const details: Record<string, unknown> = { timedOut, requestSent: sent };
  if (typeof cause === 'string') details.cause = cause;
  if (sent) {
    const why = timedOut ? 'no answer in time' : `connection lost (${typeof cause === 'string' ? cause : 'aborted'})`;
    return new ClaveError('DELIVERY_OUTCOME_UNKNOWN', `SMS provider got the request, ${why}`, details);
  }
  const why = timedOut ? 'timed out before the request was sent' : `unreachable (${typeof cause === 'string' ? cause : 'aborted'})`;
  return new ClaveError('DELIVERY_UNAVAILABLE', `SMS provider ${why}`, details);
}

/** A 2xx we cannot read an id from: the provider may well have taken the message. */
export function outcomeUnknown(message: string, status: number): ClaveError {
  return new ClaveError('DELIVERY_OUTCOME_UNKNOWN', message, { status });
}

const MAX_ANSWER_BYTES = 1 << 20;

/** A 2xx answer's body, refused past 1 MiB (an id never needs more). */
export async function readCapped(res: Response): Promise<string> {
  const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = res.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw new Error('answer too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
