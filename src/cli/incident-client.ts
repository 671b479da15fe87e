/** The server said no (4xx/5xx), or could not be reached: the command prints it and exits 1. */
export class Refused extends Error {
  override readonly name = 'Refused';
  readonly status: number | null;
  readonly code: string | null;

  constructor(message: string, status: number | null = null, code: string | null = null) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * A small client of the operations API (/api/incidents, /api/maintenance,
 * /api/alerts, /api/audit) with the admin bearer token.
 *
 * @example
 *   const api = new IncidentsClient('http://127.0.0.1:8080', token);
 *   const { id } = await api.call<{ id: string }>('POST', '/incidents', body);
 */
export class IncidentsClient {
  readonly #base: string;
  readonly #token: string;

  constructor(server: string, token: string) {
    this.#base = `${server.replace(/\/+$/, '')}/api`;
    this.#token = token;
  }

  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.#base + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new Refused(`cannot reach ${this.#base}: ${cause ?? (err as Error).message}`);
    }
    const parsed = parseJson(await res.text());
    if (res.ok) return parsed as T;
    const e = (parsed ?? {}) as { code?: string; message?: string };
    if (res.status === 401) throw new Refused('unauthorized: give --token or set CLAVE_ADMIN_TOKEN', 401, 'UNAUTHORIZED');
    throw new Refused(e.message ?? `HTTP ${res.status}`, res.status, e.code ?? null);
  }
}
