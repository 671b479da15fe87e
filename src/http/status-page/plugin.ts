import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { StatusView } from '../../incidents/index.ts';
import { ifNoneMatchHits } from './etag.ts';
import { LanguagePicker } from './language-picker.ts';
import { renderAtom } from './render-atom.ts';
import { RenderCache, type Rendered } from './render-cache.ts';
import { renderHtml } from './render-html.ts';
import { STYLE_HASH } from './style.ts';

export interface StatusPageDeps {
  /** The incidents context (its `statusView` is cached there; `version` changes with any public change). */
  status: { statusView(language: string): Promise<StatusView> };
  /** The languages the page is offered in; the first is the default. */
  languages: string[];
  /** The page's heading per language (plain text); default "Estado del servicio" / "Service status". */
  title?: Record<string, string>;
  /** IANA zone for the times people read (ISO times are UTC); default UTC. */
  timeZone?: string;
  /** The page's public address (https://status.bank.example/status): makes the feed's links absolute and its id unique. */
  publicUrl?: string;
}

type Representation = 'html' | 'json' | 'atom';

const CONTENT_TYPE: Record<Representation, string> = {
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
};

// Pages are hammered exactly when things break: a few seconds of caching anywhere takes the load off.
const CACHE_CONTROL = 'public, max-age=5, stale-while-revalidate=30';
// Nothing but the inline stylesheet may load or run: the page needs no script, so none can be injected.
const CSP = `default-src 'none'; style-src ${STYLE_HASH}; base-uri 'none'; form-action 'none'`;

/**
 * The public status page: `GET /status` (HTML), `/status.json`,
 * `/status.atom`, in the language of `?lang=`, else Accept-Language, else
 * the first configured; no token. Conditional GETs get 304.
 *
 * @example
 *   await app.register(statusPage({ status: incidents, languages: ['es', 'en'], timeZone: 'Europe/Madrid' }));
 */
export function statusPage(deps: StatusPageDeps): FastifyPluginAsync {
  const cache = new RenderCache();
  const languages = new LanguagePicker(deps.languages);
  const timeZone = deps.timeZone ?? 'UTC';
  const render: Record<Representation, (view: StatusView) => string> = {
    html: (view) => renderHtml(view, { languages: deps.languages, title: deps.title, timeZone }),
    json: (view) => JSON.stringify(view),
    atom: (view) => renderAtom(view, { title: deps.title, timeZone, publicUrl: deps.publicUrl }),
  };

  // Built once per rendering: a hit copies a ready header set and the ready bytes.
  const headerSets = new WeakMap<Rendered, { ok: Record<string, string>; notModified: Record<string, string> }>();
  function headersOf(rendered: Rendered, representation: Representation, language: string) {
    let sets = headerSets.get(rendered);
    if (!sets) {
      const notModified: Record<string, string> = {
        etag: rendered.etag,
        'cache-control': CACHE_CONTROL,
        vary: 'Accept-Language',
        'content-language': language,
      };
      const ok = {
        ...notModified,
        'content-type': CONTENT_TYPE[representation],
        'x-content-type-options': 'nosniff',
        ...(representation === 'html' ? { 'content-security-policy': CSP } : {}),
      };
      sets = { ok, notModified };
      headerSets.set(rendered, sets);
    }
    return sets;
  }

  async function serve(representation: Representation, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const query = request.query as { lang?: unknown } | undefined;
    const language = languages.pick(query?.lang, request.headers['accept-language']);
    let rendered: Rendered;
    try {
      const view = await deps.status.statusView(language);
      rendered = cache.get(representation, language, view.version, () => render[representation](view));
    } catch (err) {
      // The store failing is when readers come: the last page beats an error.
      const last = cache.last(representation, language);
      if (!last) throw err;
      request.log.warn({ err, language, representation }, 'status view unavailable: serving the last rendering');
      rendered = last;
    }
    const headers = headersOf(rendered, representation, language);
    // RFC 9110 §13.1.2: a GET whose If-None-Match matches gets 304, with the ETag, Cache-Control and Vary a 200 would have (§15.4.5).
    if (ifNoneMatchHits(request.headers['if-none-match'], rendered.etag)) return reply.code(304).headers(headers.notModified).send();
    return reply.headers(headers.ok).send(rendered.body);
  }

  return (app) => {
    app.get('/status', (request, reply) => serve('html', request, reply));
    app.get('/status.json', (request, reply) => serve('json', request, reply));
    app.get('/status.atom', (request, reply) => serve('atom', request, reply));
    return Promise.resolve();
  };
}
