import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isClaveError } from '../shared/index.ts';
import { renderPage as page, wordsFor } from './status-subscription-pages.ts';

/** What the routes need of the incidents context's subscriptions (createSubscriptions satisfies it). */
export interface SubscriptionRoutesDeps {
  subscriptions: {
    subscribe(input: { channel: 'email' | 'sms'; address: string; language: string; components?: string[]; markets?: string[] }): Promise<unknown>;
    confirm(token: string): Promise<{ outcome: 'confirmed' | 'updated' | 'already_confirmed'; language: string; unsubscribeUrl: string }>;
    unsubscribe(token: string): Promise<{ outcome: 'unsubscribed' | 'already_unsubscribed'; language: string | null }>;
    checkUnsubscribe(token: string): Promise<{ subscribed: boolean; language: string | null }>;
  };
  /** The languages the line speaks, the fallback first (StatusConfig.languages). */
  languages: readonly string[];
}

const Ids = z.array(z.string().max(64)).max(50);
const SubscribeBody = z.object({
  channel: z.enum(['email', 'sms']),
  address: z.string().min(1).max(320),
  language: z.string().max(35).optional(),
  components: Ids.optional(),
  markets: Ids.optional(),
});

// The token links are bearer secrets: never cached, never sent on as a Referer, never indexed.
const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};

/**
 * The public status-alert routes (no token): subscribe from a form or JSON,
 * confirm by the link, unsubscribe by the link with one click. Pages are
 * plain HTML without JavaScript; JSON answers when the client prefers it.
 * `POST /status/unsubscribe/:token` is the RFC 8058 one-click target: mail
 * clients POST `List-Unsubscribe=One-Click` as a form, urlencoded or
 * multipart, with no cookies or other context (§3.2), so the token alone
 * decides and any body is accepted.
 *
 * @example
 *   await app.register(subscriptionRoutes({ subscriptions, languages: config.languages }));
 *   // POST /status/subscribe  channel=email&address=ana%40example.com&language=es&components=ebanking
 */
export function subscriptionRoutes(deps: SubscriptionRoutesDeps): FastifyPluginAsync {
  const { subscriptions, languages } = deps;
  return (app) => {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8 * 1024 }, (_req, body, done) => {
      done(null, formFields(String(body)));
    });
    // RFC 8058 one-click POSTs may come as multipart/form-data; their content does not matter.
    app.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: 8 * 1024 }, (_req, _body, done) => done(null, {}));

    const pageLanguage = (request: FastifyRequest, own?: string | null) =>
      pick(own ?? (request.query as { lang?: string } | undefined)?.lang, languages) ?? fromAcceptLanguage(request.headers['accept-language'], languages);

    const answer = (reply: FastifyReply, request: FastifyRequest, status: number, json: object, page: () => string) => {
      void reply.code(status).headers(PAGE_HEADERS);
      if (prefersJson(request)) return reply.send(json);
      return reply.type('text/html; charset=utf-8').send(page());
    };

    const linkFailure = (reply: FastifyReply, request: FastifyRequest, err: unknown) => {
      const lang = pageLanguage(request);
      if (isClaveError(err, 'INVALID_TOKEN')) return answer(reply, request, 404, { error: 'invalid_token' }, () => page(lang, 'link_invalid', [wordsFor(lang).words.link_invalid]));
      if (isClaveError(err, 'TOKEN_EXPIRED')) return answer(reply, request, 410, { error: 'token_expired' }, () => page(lang, 'link_expired', [wordsFor(lang).words.link_expired]));
      throw err;
    };

    app.post('/status/subscribe', { bodyLimit: 8 * 1024 }, async (request, reply) => {
      const parsed = SubscribeBody.safeParse(request.body ?? {});
      const bodyLanguage = parsed.success ? parsed.data.language : undefined;
      const lang = pageLanguage(request, pick(bodyLanguage, languages));
      const { words } = wordsFor(lang);
      const refuse = (field: string, message: string) =>
        answer(reply, request, 400, { error: 'invalid_argument', field, message }, () => page(lang, 'invalid', [message]));
      if (!parsed.success) {
        const field = String(parsed.error.issues[0]?.path[0] ?? 'body');
        const channel = (request.body as { channel?: unknown } | null)?.channel === 'sms' ? 'sms' : 'email';
        return refuse(field, field === 'channel' ? words.invalid.channel : field === 'address' ? words.invalid.address[channel] : words.invalid.other);
      }
      const input = parsed.data;
      try {
        await subscriptions.subscribe({ ...input, language: bodyLanguage ?? lang });
      } catch (err) {
        if (!isClaveError(err, 'INVALID_ARGUMENT')) throw err;
        const field = typeof err.details['field'] === 'string' ? err.details['field'] : 'body';
        return refuse(field, field === 'address' ? words.invalid.address[input.channel] : field === 'channel' ? words.invalid.channel : words.invalid.choice);
      }
      // The same answer whether a confirmation went out, was held back by the rate limit, or the address was subscribed already.
      const message = words.subscribed(input.address.trim(), input.channel);
      return answer(reply, request, 202, { status: 'pending', message }, () => page(lang, 'subscribed', [message]));
    });

    const confirm = async (request: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply) => {
      try {
        const result = await subscriptions.confirm(request.params.token);
        const lang = pageLanguage(request, result.language);
        const { words } = wordsFor(lang);
        return answer(reply, request, 200, { status: result.outcome, unsubscribeUrl: result.unsubscribeUrl }, () =>
          page(lang, result.outcome, [words[result.outcome]], { link: { intro: words.unsubscribeLater, href: result.unsubscribeUrl } }));
      } catch (err) {
        return linkFailure(reply, request, err);
      }
    };
    app.get<{ Params: { token: string } }>('/status/confirm/:token', confirm);
    app.post<{ Params: { token: string } }>('/status/confirm/:token', { bodyLimit: 8 * 1024 }, confirm);

    app.get<{ Params: { token: string } }>('/status/unsubscribe/:token', async (request, reply) => {
      try {
        const state = await subscriptions.checkUnsubscribe(request.params.token);
        const lang = pageLanguage(request, state.language);
        const { words } = wordsFor(lang);
        if (!state.subscribed) return answer(reply, request, 200, { subscribed: false }, () => page(lang, 'not_subscribed', [words.not_subscribed]));
        // A GET never unsubscribes: link scanners open every link in a mail.
        return answer(reply, request, 200, { subscribed: true }, () =>
          page(lang, 'unsubscribe_ask', [words.unsubscribe_ask], { form: { action: `/status/unsubscribe/${encodeURIComponent(request.params.token)}`, button: words.unsubscribeButton } }));
      } catch (err) {
        return linkFailure(reply, request, err);
      }
    });

    app.post<{ Params: { token: string } }>('/status/unsubscribe/:token', { bodyLimit: 8 * 1024 }, async (request, reply) => {
      try {
        const result = await subscriptions.unsubscribe(request.params.token);
        const lang = pageLanguage(request, result.language);
        const { words } = wordsFor(lang);
        const kind = result.outcome === 'unsubscribed' ? 'unsubscribed' : 'not_subscribed';
        return answer(reply, request, 200, { status: result.outcome }, () => page(lang, kind, [words[kind]]));
      } catch (err) {
        return linkFailure(reply, request, err);
      }
    });
    return Promise.resolve();
  };
}

/** Form fields; `components` and `markets` repeat (or come comma-separated) and always read as lists. */
function formFields(body: string): Record<string, string | string[]> {
  const form = new URLSearchParams(body);
  const fields: Record<string, string | string[]> = {};
  for (const [key, value] of form) {
    const name = key.replace(/\[\]$/, '');
    if (name === 'components' || name === 'markets') {
      const list = (fields[name] as string[] | undefined) ?? [];
      list.push(...value.split(',').map((v) => v.trim()).filter((v) => v.length > 0));
      fields[name] = list;
    } else if (name === 'lang') {
      fields['language'] ??= value;
    } else {
      fields[name] = value;
    }
  }
  return fields;
}

function pick(language: string | null | undefined, languages: readonly string[]): string | undefined {
  if (!language) return undefined;
  const wanted = language.trim().toLowerCase();
  return languages.find((l) => l === wanted) ?? languages.find((l) => l === wanted.split(/[-_]/)[0]);
}

/** RFC 9110 §12.5.4: the configured language with the highest q, else the first configured one. */
function fromAcceptLanguage(header: string | undefined, languages: readonly string[]): string {
  const ranked = (header ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag, q: q === undefined ? 1 : Number(q), i };
    })
    .filter((r) => r.tag && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    const found = pick(r.tag, languages);
    if (found) return found;
  }
  return languages[0] ?? 'en';
}

/** JSON when the Accept header ranks it above HTML; with no preference, when the request itself was JSON. */
function prefersJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  const q = (type: string) => {
    for (const part of accept.split(',')) {
      const [t, ...params] = part.trim().split(';');
      if (t?.trim().toLowerCase() !== type) continue;
      const value = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return value === undefined ? 1 : Number(value);
    }
    return -1;
  };
  const json = q('application/json');
  const html = q('text/html');
  if (json < 0 && html < 0) return /^application\/json\b/i.test(request.headers['content-type'] ?? '');
  return json > html;
}
