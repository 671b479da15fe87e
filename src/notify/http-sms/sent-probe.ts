import diagnostics from 'node:diagnostics_channel';

/** Whether the request's body has been written to the socket. */
export interface SentProbe {
  readonly sent: boolean;
  /** Stops watching; call once the attempt is settled. */
  release(): void;
}

interface ProbeState {
  key: string;
  sent: boolean;
}

// Node's fetch (undici) publishes each request's life on these channels
// (https://undici.nodejs.org/#/docs/api/DiagnosticsChannel). fetch alone cannot
// tell a timeout before the request left from one after: this can.
const waiting = new Map<string, ProbeState[]>();
const byRequest = new WeakMap<object, ProbeState>();
let subscribed = false;

function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe('undici:request:create', (message) => {
    const request = (message as { request?: { headers?: unknown } }).request;
    if (request === undefined) return;
    const key = headerValue(request.headers, 'idempotency-key');
    const queue = key === undefined ? undefined : waiting.get(key);
    const state = queue?.shift();
    if (state === undefined) return;
    if (queue?.length === 0) waiting.delete(state.key);
    byRequest.set(request, state);
  });
  diagnostics.subscribe('undici:request:bodySent', (message) => {
    const request = (message as { request?: object }).request;
    const state = request === undefined ? undefined : byRequest.get(request);
    if (state !== undefined) state.sent = true;
  });
}

/**
 * Watches the next fetch that carries `Idempotency-Key: key` (the outbox id,
 * sent by the HTTP SMS channel on every attempt). Start watching before
 * calling fetch.
 *
 * @example
 *   const probe = watchRequest(msg.id);
 *   try { await fetch(url, { headers: { 'Idempotency-Key': msg.id }, ... }); } catch { probe.sent ? unknown : unavailable }
 *   finally { probe.release(); }
 */
export function watchRequest(key: string): SentProbe {
  subscribe();
  const state: ProbeState = { key, sent: false };
  const queue = waiting.get(key) ?? [];
  queue.push(state);
  waiting.set(key, queue);
  return {
    get sent() {
      return state.sent;
    },
    release() {
      const q = waiting.get(key);
      if (q === undefined) return;
      const rest = q.filter((s) => s !== state);
      if (rest.length === 0) waiting.delete(key);
      else waiting.set(key, rest);
    },
  };
}

/** undici keeps request headers as a flat [name, value, …] array (a string block in older versions). */
function headerValue(headers: unknown, name: string): string | undefined {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
    }
    return undefined;
  }
  if (typeof headers === 'string') {
    for (const line of headers.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
    }
  }
  return undefined;
}
